import { describe, expect, it } from 'vitest';
import { parseCodexStream, rebuildCodexStream, ToolCallIds } from '../../../converters/spark/codex-stream.js';
import type { SparkContentItem } from '../../../converters/spark/types.js';

const j = (value: unknown) => JSON.stringify(value);
const stream = (...lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : j(l))).join('\n') + '\n';

function roundTrip(stdout: string) {
  const parsed = parseCodexStream(stdout);
  // As the importer stores it: head lines on the item before the stream (here, a user message).
  const user: SparkContentItem = { class_: 'text_observation', source: 'user', content: 'task', extra: {} };
  if (parsed.head.length > 0) user.extra!.codex_after = parsed.head;
  const content = [user, ...parsed.items];
  // Through JSON, as a written file would be.
  const stored = JSON.parse(JSON.stringify(content)) as SparkContentItem[];
  return { parsed, content: stored, rebuilt: rebuildCodexStream(stored, { noFinalNewline: parsed.noFinalNewline }) };
}

const cmd = (id: string, command: string, output: string, exit: number | null, status: string, type = 'item.completed') => ({
  type,
  item: { id, type: 'command_execution', command, aggregated_output: output, exit_code: exit, status },
});

describe('parseCodexStream', () => {
  it('maps a command to a bash code_action and its output observation, linked by the item id', () => {
    const stdout = stream(
      { type: 'thread.started', thread_id: 't1' },
      { type: 'turn.started' },
      cmd('item_0', "/bin/bash -lc 'ls /root'", '', null, 'in_progress', 'item.started'),
      cmd('item_0', "/bin/bash -lc 'ls /root'", 'data.csv\n', 0, 'completed'),
    );
    const { parsed, content, rebuilt } = roundTrip(stdout);
    expect(parsed.items).toHaveLength(2);
    const [action, result] = parsed.items;
    expect(action).toMatchObject({ class_: 'code_action', language: 'bash', content: 'ls /root', description: null, tool_call_id: 'item_0' });
    expect(result).toMatchObject({ class_: 'text_observation', source: 'environment', content: 'data.csv\n', tool_call_id: 'item_0', extra: { exit_code: 0, status: 'completed' } });
    // thread/turn lines precede every item; the started line is folded into a reference.
    expect(parsed.head).toEqual([{ line: { type: 'thread.started', thread_id: 't1' } }, { line: { type: 'turn.started' } }, { started: 'item_0' }]);
    expect(rebuilt).toBe(stdout);
    expect(content).toHaveLength(3);
  });

  it('splits a leading <think> block into reasoning_content and rebuilds the exact text', () => {
    const text = '<think>**Plan**\nread first</think>\n\nI will read the file.';
    const stdout = stream({ type: 'item.completed', item: { id: 'item_1', type: 'agent_message', text } });
    const { parsed, rebuilt } = roundTrip(stdout);
    expect(parsed.items[0]).toMatchObject({ class_: 'message_action', content: 'I will read the file.', reasoning_content: '**Plan**\nread first' });
    expect(rebuilt).toBe(stdout);
  });

  it('keeps lines with no ADP class (todo_list, usage, reasoning items, non-JSON text) on the item before them', () => {
    const stdout = stream(
      { type: 'item.completed', item: { id: 'item_0', type: 'agent_message', text: 'hi' } },
      { type: 'item.updated', item: { id: 'item_1', type: 'todo_list', items: [{ text: 'a', completed: true }] } },
      'bash: warning: setlocale: LC_ALL: cannot change locale (en_US.UTF-8)',
      { type: 'item.completed', item: { id: 'item_2', type: 'reasoning', text: 'hmm' } },
      { type: 'turn.completed', usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 2 } },
    );
    const { parsed, rebuilt } = roundTrip(stdout);
    expect(parsed.items).toHaveLength(1);
    expect(parsed.items[0].extra?.codex_after).toEqual([
      { line: { type: 'item.updated', item: { id: 'item_1', type: 'todo_list', items: [{ text: 'a', completed: true }] } } },
      { text: 'bash: warning: setlocale: LC_ALL: cannot change locale (en_US.UTF-8)' },
      { line: { type: 'item.completed', item: { id: 'item_2', type: 'reasoning', text: 'hmm' } } },
      { line: { type: 'turn.completed', usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 2 } } },
    ]);
    expect(parsed.nonJsonLines).toEqual([2]);
    expect(rebuilt).toBe(stdout);
  });

  it('copies Codex reasoning items into the next action\'s reasoning_content, keeping the lines in place', () => {
    const stdout = stream(
      { type: 'item.completed', item: { id: 'item_0', type: 'reasoning', text: '**Look first**' } },
      { type: 'item.completed', item: { id: 'item_1', type: 'reasoning', text: 'then run' } },
      cmd('item_2', "/bin/bash -lc 'ls'", 'a\n', 0, 'completed'),
      { type: 'item.completed', item: { id: 'item_3', type: 'agent_message', text: 'done' } },
    );
    const { parsed, content, rebuilt } = roundTrip(stdout);
    expect(parsed.items[0]).toMatchObject({ class_: 'code_action', reasoning_content: '**Look first**\n\nthen run', extra: { codex: { reasoning_items: ['item_0', 'item_1'] } } });
    expect(parsed.items[2]).not.toHaveProperty('reasoning_content');
    expect(content[0].extra?.codex_after).toHaveLength(2);
    expect(rebuilt).toBe(stdout);
  });

  it('turns error and turn.failed events into environment observations', () => {
    const stdout = stream({ type: 'error', message: 'Reconnecting... 1/5' }, { type: 'turn.failed', error: { message: '502 Bad Gateway' } });
    const { parsed, rebuilt } = roundTrip(stdout);
    expect(parsed.items).toEqual([
      { class_: 'text_observation', source: 'environment', name: 'codex_error', content: 'Reconnecting... 1/5', extra: { codex: { event: 'error' } } },
      { class_: 'text_observation', source: 'environment', name: 'codex_turn_failed', content: '502 Bad Gateway', extra: { codex: { event: 'turn.failed' } } },
    ]);
    expect(rebuilt).toBe(stdout);
  });

  it('makes a command that never completed a step of its own, with status in_progress', () => {
    const stdout = stream(cmd('item_3', "/bin/bash -lc 'sleep 999'", '', null, 'in_progress', 'item.started'));
    const { parsed, rebuilt } = roundTrip(stdout);
    expect(parsed.items.map((i) => i.class_)).toEqual(['code_action', 'text_observation']);
    expect(parsed.items[1].extra).toMatchObject({ status: 'in_progress', exit_code: null });
    expect(rebuilt).toBe(stdout);
  });

  it('maps file_change and mcp_tool_call items to api_actions with observations', () => {
    const stdout = stream(
      { type: 'item.completed', item: { id: 'item_0', type: 'file_change', changes: [{ path: '/app/a.py', kind: 'update' }], status: 'completed' } },
      {
        type: 'item.completed',
        item: { id: 'item_1', type: 'mcp_tool_call', server: 'docs', tool: 'search', arguments: { q: 'x' }, result: { content: [{ type: 'text', text: 'found' }], structured_content: null }, error: null, status: 'completed' },
      },
    );
    const { parsed, rebuilt } = roundTrip(stdout);
    expect(parsed.items.map((i) => [i.class_, 'function' in i ? i.function : i.content])).toEqual([
      ['api_action', 'file_change'],
      ['text_observation', 'update /app/a.py'],
      ['api_action', 'docs.search'],
      ['text_observation', 'found'],
    ]);
    expect(rebuilt).toBe(stdout);
  });

  it('keeps a line verbatim when re-serialising it does not give the original text', () => {
    const odd = '{"type": "turn.started"}';
    const oddItem = '{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"caf\\u00e9"}}';
    const stdout = stream({ type: 'thread.started', thread_id: 't' }, odd, oddItem);
    const { parsed, rebuilt } = roundTrip(stdout);
    expect(parsed.verbatimLines).toEqual([1, 2]);
    expect(parsed.head[1]).toEqual({ text: odd });
    expect(parsed.items[0]).toMatchObject({ content: 'café', extra: { codex: { raw: oddItem } } });
    expect(rebuilt).toBe(stdout);
  });

  it('keeps a command whose quoting is not Codex-style in extra.codex.command', () => {
    const stdout = stream(cmd('item_0', '/bin/bash -lc "ls /root"', 'x\n', 0, 'completed'));
    const { parsed, rebuilt } = roundTrip(stdout);
    expect(parsed.items[0]).toMatchObject({ content: '/bin/bash -lc "ls /root"', extra: { codex: { command: '/bin/bash -lc "ls /root"' } } });
    expect(rebuilt).toBe(stdout);
  });

  it('preserves NUL, C1 mojibake, U+FFFD and ANSI escapes in outputs exactly', () => {
    const output = 'a\u0000b â\u0080\u0099 \ufffd \u001b[31mred\u001b[0m';
    const stdout = stream(cmd('item_0', "/bin/bash -lc 'cat x'", output, 0, 'completed'));
    const { parsed, rebuilt } = roundTrip(stdout);
    expect((parsed.items[1] as { content: string }).content).toBe(output);
    expect(rebuilt).toBe(stdout);
  });

  it('handles a missing final newline, an empty stdout and plain-text output of another agent', () => {
    const noNewline = stream({ type: 'turn.started' }).slice(0, -1);
    const a = roundTrip(noNewline);
    expect(a.parsed.noFinalNewline).toBe(true);
    expect(a.rebuilt).toBe(noNewline);

    expect(parseCodexStream('').items).toEqual([]);
    expect(rebuildCodexStream([])).toBe('');

    const plain = 'Running agent...\nDone';
    const b = roundTrip(plain);
    expect(b.parsed.items).toEqual([{ class_: 'text_observation', source: 'agent', name: 'agent_stdout', content: plain, extra: { codex: { event: 'stdout' } } }]);
    expect(b.rebuilt).toBe(plain);
  });

  it('gives unique tool_call_ids when Codex item ids repeat', () => {
    const ids = new ToolCallIds();
    const stdout = stream(cmd('item_0', "/bin/bash -lc 'a'", '', 0, 'completed'), cmd('item_0', "/bin/bash -lc 'b'", '', 0, 'completed'));
    const parsed = parseCodexStream(stdout, ids);
    const callIds = parsed.items.filter((i) => i.class_ === 'code_action').map((i) => (i as { tool_call_id: string }).tool_call_id);
    expect(callIds).toEqual(['item_0', 'call_000001']);
    expect(rebuildCodexStream(parsed.items)).toBe(stdout);
  });
});
