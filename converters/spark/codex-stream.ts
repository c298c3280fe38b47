import { CODEX_SHELL_PREFIX, quoteShellWord, unwrapCodexCommand } from './shell-quote.js';
import type {
  CodexItemExtra,
  CodexStreamEntry,
  ContentExtra,
  JsonObject,
  SparkContentItem,
} from './types.js';

/**
 * Codex CLI's `--json` output (SPARK's `agent_stdout_full`, spec §2.6) ↔ ADP content items.
 *
 * Every stdout line is accounted for: a line that is an agent step becomes content items that
 * carry, in `extra.codex`, what the rebuild needs beyond ADP's fields; every other line is kept
 * in `extra.codex_after` of the item before it. Each line is rebuilt right after it is parsed
 * and compared with the original text, and kept verbatim when the two differ, so
 * {@link rebuildCodexStream} always gives back the exact string.
 */

/** What {@link parseCodexStream} found in one `agent_stdout_full`. */
export interface CodexStreamParse {
  /** Content items, in stream order. */
  items: SparkContentItem[];
  /** Lines before the first content item; the caller hangs them on the item before the stream. */
  head: CodexStreamEntry[];
  /** The stdout did not end with `\n`. */
  noFinalNewline: boolean;
  /** Number of lines (the final `\n` does not open a line). */
  lineCount: number;
  /** 0-based indexes of lines that had to be kept verbatim (`raw` / `text` entries of JSON lines). */
  verbatimLines: number[];
  /** 0-based indexes of lines that are not JSON objects. */
  nonJsonLines: number[];
}

/** Allocates tool_call_ids unique within one trajectory, preferring the Codex item id. */
export class ToolCallIds {
  private readonly used = new Set<string>();
  private counter = 0;

  /** `preferred` when it is a free string, else the next free `call_NNNNNN`. */
  take(preferred: unknown): string {
    if (typeof preferred === 'string' && preferred !== '' && !this.used.has(preferred)) {
      this.used.add(preferred);
      return preferred;
    }
    let id: string;
    do id = `call_${String(++this.counter).padStart(6, '0')}`;
    while (this.used.has(id));
    this.used.add(id);
    return id;
  }
}

/** Item types that are tool calls: an action plus its result observation. */
const TOOL_ITEM_TYPES = new Set(['command_execution', 'file_change', 'mcp_tool_call']);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Splits `stdout` into lines and turns it into content items (see the module comment and
 * docs/spark.md for the mapping). `ids` keeps tool_call_ids unique across the trajectory.
 */
export function parseCodexStream(stdout: string, ids: ToolCallIds = new ToolCallIds()): CodexStreamParse {
  const result: CodexStreamParse = {
    items: [],
    head: [],
    noFinalNewline: false,
    lineCount: 0,
    verbatimLines: [],
    nonJsonLines: [],
  };
  if (stdout === '') return result;

  const lines = stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else result.noFinalNewline = true;
  result.lineCount = lines.length;

  const events: (JsonObject | undefined)[] = new Array(lines.length);
  let anyEvent = false;
  for (let i = 0; i < lines.length; i++) {
    const event = parseEventLine(lines[i]);
    events[i] = event;
    if (event) anyEvent = true;
    else result.nonJsonLines.push(i);
  }

  if (!anyEvent) {
    // Not a Codex stream (another agent's plain output): keep it whole as what the agent printed.
    result.items.push({
      class_: 'text_observation',
      source: 'agent',
      name: 'agent_stdout',
      content: stdout,
      extra: { codex: { event: 'stdout' } },
    });
    result.noFinalNewline = false;
    result.nonJsonLines = [];
    return result;
  }

  // Which tool items complete, and how often (an item.started whose item never completes is the
  // only trace of that step, so it becomes content itself).
  const completions = new Map<string, number>();
  for (const event of events) {
    if (event?.type === 'item.completed' && isObject(event.item) && typeof event.item.id === 'string') {
      completions.set(event.item.id, (completions.get(event.item.id) ?? 0) + 1);
    }
  }

  const pendingStarted: { entry: CodexStreamEntry; text: string; index: number }[] = [];
  // Completed command lines that rebuilt exactly, by item id: a started line is checked against them.
  const exactCommandLines = new Map<string, string>();
  // Reasoning items seen since the last action, for that next action's reasoning_content.
  let reasoning: { id: string; text: string }[] = [];
  const attach = (entry: CodexStreamEntry) => {
    const last = result.items[result.items.length - 1];
    if (!last) {
      result.head.push(entry);
      return;
    }
    last.extra ??= {};
    (last.extra.codex_after ??= []).push(entry);
  };

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    const event = events[i];
    if (!event) {
      attach({ text });
      continue;
    }
    const made = contentFromEvent(event, completions, ids);
    if (made) {
      const own = made[0].extra!.codex!;
      if (rebuildOwnLine(made, 0) !== text) {
        own.raw = text;
        result.verbatimLines.push(i);
      } else if (made[0].class_ === 'code_action' && own.event === 'item.completed' && own.id !== undefined) {
        exactCommandLines.set(own.id, text);
      }
      const action = made[0];
      if (reasoning.length > 0 && action.class_ !== 'text_observation' && action.reasoning_content === undefined) {
        // Codex reports reasoning as items of its own; ADP keeps it on the action it led to.
        // The reasoning lines stay in codex_after, so this is a copy, not the source of the rebuild.
        action.reasoning_content = reasoning.map((r) => r.text).join('\n\n');
        own.reasoning_items = reasoning.map((r) => r.id);
        reasoning = [];
      }
      result.items.push(...made);
      continue;
    }
    const item = event.item;
    if (event.type === 'item.completed' && isObject(item) && item.type === 'reasoning' && typeof item.text === 'string' && typeof item.id === 'string') {
      reasoning.push({ id: item.id, text: item.text });
    }
    if (
      event.type === 'item.started' &&
      isObject(item) &&
      item.type === 'command_execution' &&
      typeof item.id === 'string' &&
      completions.get(item.id) === 1
    ) {
      const entry: CodexStreamEntry = { started: item.id };
      pendingStarted.push({ entry, text, index: i });
      attach(entry);
      continue;
    }
    if (JSON.stringify(event) === text) {
      attach({ line: event });
    } else {
      attach({ text });
      result.verbatimLines.push(i);
    }
  }

  if (pendingStarted.length > 0) {
    const byId = indexToolActions(result.items);
    for (const pending of pendingStarted) {
      const id = (pending.entry as { started: string }).started;
      const expected = startedFromCompleted(id, exactCommandLines.get(id)) ?? rebuildStarted(result.items, byId, id);
      if (expected !== pending.text) {
        // Rewrite the entry in place: it is already attached where it belongs.
        const entry = pending.entry as Partial<Record<'started' | 'text', string>>;
        delete entry.started;
        entry.text = pending.text;
        result.verbatimLines.push(pending.index);
      }
    }
    result.verbatimLines.sort((a, b) => a - b);
  }
  return result;
}

/** A line's JSON object, or undefined when the line is not one (non-JSON stdout noise). */
function parseEventLine(text: string): JsonObject | undefined {
  // Cheap pre-check: JSON.parse throwing is slow, and non-JSON lines are plain text.
  if (text.charCodeAt(0) !== 123 /* { */) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Content items for one event, or undefined when the event has no ADP class. The first item
 * carries `extra.codex`; a tool call's second item is its observation.
 */
function contentFromEvent(
  event: JsonObject,
  completions: ReadonlyMap<string, number>,
  ids: ToolCallIds,
): SparkContentItem[] | undefined {
  const type = event.type;
  if (type === 'error' && typeof event.message === 'string') {
    return [
      {
        class_: 'text_observation',
        source: 'environment',
        name: 'codex_error',
        content: event.message,
        extra: { codex: { event: 'error' } },
      },
    ];
  }
  if (type === 'turn.failed' && isObject(event.error) && typeof event.error.message === 'string') {
    return [
      {
        class_: 'text_observation',
        source: 'environment',
        name: 'codex_turn_failed',
        content: event.error.message,
        extra: { codex: { event: 'turn.failed' } },
      },
    ];
  }
  if (type !== 'item.completed' && type !== 'item.started') return undefined;
  const item = event.item;
  if (!isObject(item) || typeof item.id !== 'string') return undefined;
  if (type === 'item.started') {
    // A started tool item that never completes (the agent was killed mid-command).
    if (!TOOL_ITEM_TYPES.has(item.type as string) || completions.has(item.id)) return undefined;
  }
  const codex: CodexItemExtra = { event: type, id: item.id };

  switch (item.type) {
    case 'agent_message': {
      if (typeof item.text !== 'string') return undefined;
      const message = splitThink(item.text);
      const action: SparkContentItem = { class_: 'message_action', content: message.content, extra: { codex } };
      if (message.reasoning !== undefined) {
        action.reasoning_content = message.reasoning;
        codex.think_gap = message.gap;
      }
      return [action];
    }
    case 'command_execution': {
      if (typeof item.command !== 'string' || typeof item.aggregated_output !== 'string') return undefined;
      const script = unwrapCodexCommand(item.command);
      if (script !== undefined) codex.shell = CODEX_SHELL_PREFIX.trimEnd();
      else codex.command = item.command;
      const id = ids.take(item.id);
      const action: SparkContentItem = { class_: 'code_action', language: 'bash', content: script ?? item.command, description: null, tool_call_id: id, extra: { codex } };
      if (script !== undefined) knownCommands.set(action, { script, command: item.command });
      return [
        action,
        {
          class_: 'text_observation',
          source: 'environment',
          content: item.aggregated_output,
          tool_call_id: id,
          extra: { exit_code: item.exit_code, status: item.status },
        },
      ];
    }
    case 'file_change': {
      if (!Array.isArray(item.changes)) return undefined;
      const id = ids.take(item.id);
      return [
        { class_: 'api_action', function: 'file_change', kwargs: { changes: item.changes }, tool_call_id: id, extra: { codex } },
        {
          class_: 'text_observation',
          source: 'environment',
          content: describeChanges(item.changes),
          tool_call_id: id,
          extra: { status: item.status },
        },
      ];
    }
    case 'mcp_tool_call': {
      if (typeof item.server !== 'string' || typeof item.tool !== 'string') return undefined;
      codex.server = item.server;
      codex.tool = item.tool;
      let kwargs: JsonObject;
      if (isObject(item.arguments)) kwargs = item.arguments;
      else {
        kwargs = {};
        codex.arguments = item.arguments;
      }
      const id = ids.take(item.id);
      return [
        { class_: 'api_action', function: `${item.server}.${item.tool}`, kwargs, tool_call_id: id, extra: { codex } },
        {
          class_: 'text_observation',
          source: 'environment',
          content: mcpResultText(item.result, item.error),
          tool_call_id: id,
          extra: { result: item.result, error: item.error, status: item.status },
        },
      ];
    }
    default:
      return undefined;
  }
}

/** A leading `<think>…</think>` block of an agent message, split off. */
function splitThink(text: string): { content: string; reasoning?: string; gap?: string } {
  if (!text.startsWith('<think>')) return { content: text };
  const end = text.indexOf('</think>', 7);
  if (end < 0) return { content: text };
  const rest = text.slice(end + 8);
  const content = rest.replace(/^\s+/, '');
  return { content, reasoning: text.slice(7, end), gap: rest.slice(0, rest.length - content.length) };
}

function describeChanges(changes: unknown[]): string {
  return changes
    .map((change) => (isObject(change) ? `${String(change.kind ?? 'change')} ${String(change.path ?? '')}` : JSON.stringify(change)))
    .join('\n');
}

function mcpResultText(result: unknown, error: unknown): string {
  if (isObject(result) && Array.isArray(result.content)) {
    return result.content
      .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : JSON.stringify(part)))
      .join('\n');
  }
  if (isObject(error) && typeof error.message === 'string') return error.message;
  if (typeof error === 'string') return error;
  return '';
}

/** Code/API actions by Codex item id, for `started` entries. The first one wins. */
function indexToolActions(content: readonly SparkContentItem[]): Map<string, number> {
  const byId = new Map<string, number>();
  content.forEach((item, index) => {
    const id = item.extra?.codex?.id;
    if (id !== undefined && item.class_ === 'code_action' && !byId.has(id)) byId.set(id, index);
  });
  return byId;
}

/** Commands known to re-quote exactly, by action: quoting is the costly part of the rebuild. */
const knownCommands = new WeakMap<object, { script: string; command: string }>();

function commandOf(action: SparkContentItem): string {
  const codex = action.extra!.codex!;
  if (codex.command !== undefined) return codex.command;
  const script = (action as { content: string }).content;
  const known = knownCommands.get(action);
  if (known !== undefined && known.script === script) return known.command;
  const command = `${codex.shell ?? CODEX_SHELL_PREFIX.trimEnd()} ${quoteShellWord(script)}`;
  knownCommands.set(action, { script, command });
  return command;
}

function rebuildStarted(content: readonly SparkContentItem[], byId: ReadonlyMap<string, number>, id: string): string | undefined {
  const index = byId.get(id);
  if (index === undefined) return undefined;
  return JSON.stringify({
    type: 'item.started',
    item: {
      id,
      type: 'command_execution',
      command: commandOf(content[index]),
      aggregated_output: '',
      exit_code: null,
      status: 'in_progress',
    },
  });
}

/**
 * The `item.started` line of command `id`, cut from its completed line when that line is known to
 * be exactly `JSON.stringify` of the rebuilt event: the same text `rebuildStarted` would give,
 * without serialising the command a second time.
 */
function startedFromCompleted(id: string, completed: string | undefined): string | undefined {
  if (completed === undefined) return undefined;
  const idJson = JSON.stringify(id);
  const prefix = `{"type":"item.completed","item":{"id":${idJson},"type":"command_execution","command":`;
  if (!completed.startsWith(prefix)) return undefined;
  // Inside a serialised string every quote is escaped, so this is where the command token ends.
  const end = completed.indexOf(',"aggregated_output":', prefix.length);
  if (end < 0) return undefined;
  const command = completed.slice(prefix.length, end);
  return `{"type":"item.started","item":{"id":${idJson},"type":"command_execution","command":${command},"aggregated_output":"","exit_code":null,"status":"in_progress"}}`;
}

/**
 * The stdout line that content item `index` stands for (with its observation at `index + 1` for
 * tool calls), or undefined when the item was not made from a stdout line.
 */
function rebuildOwnLine(content: readonly SparkContentItem[], index: number): string | undefined {
  const item = content[index];
  const codex = item.extra?.codex;
  if (!codex) return undefined;
  if (codex.raw !== undefined) return codex.raw;
  switch (codex.event) {
    case 'stdout':
      return (item as { content: string }).content;
    case 'error':
      return JSON.stringify({ type: 'error', message: (item as { content: string }).content });
    case 'turn.failed':
      return JSON.stringify({ type: 'turn.failed', error: { message: (item as { content: string }).content } });
  }
  const observation = content[index + 1] as (SparkContentItem & { class_: 'text_observation' }) | undefined;
  const obsExtra: ContentExtra = observation?.extra ?? {};
  if (item.class_ === 'message_action') {
    const text =
      codex.think_gap !== undefined ? `<think>${item.reasoning_content ?? ''}</think>${codex.think_gap}${item.content}` : item.content;
    return JSON.stringify({ type: codex.event, item: { id: codex.id, type: 'agent_message', text } });
  }
  if (item.class_ === 'code_action') {
    return JSON.stringify({
      type: codex.event,
      item: {
        id: codex.id,
        type: 'command_execution',
        command: commandOf(item),
        aggregated_output: observation?.content,
        exit_code: obsExtra.exit_code,
        status: obsExtra.status,
      },
    });
  }
  if (item.class_ === 'api_action' && codex.server === undefined) {
    return JSON.stringify({
      type: codex.event,
      item: { id: codex.id, type: 'file_change', changes: item.kwargs.changes, status: obsExtra.status },
    });
  }
  if (item.class_ === 'api_action') {
    return JSON.stringify({
      type: codex.event,
      item: {
        id: codex.id,
        type: 'mcp_tool_call',
        server: codex.server,
        tool: codex.tool,
        arguments: 'arguments' in codex ? codex.arguments : item.kwargs,
        result: obsExtra.result,
        error: obsExtra.error,
        status: obsExtra.status,
      },
    });
  }
  return undefined;
}

function rebuildEntry(content: readonly SparkContentItem[], byId: ReadonlyMap<string, number>, entry: CodexStreamEntry): string {
  if ('text' in entry) return entry.text;
  if ('line' in entry) return JSON.stringify(entry.line);
  const text = rebuildStarted(content, byId, entry.started);
  if (text === undefined) throw new Error(`codex_after entry {started: ${JSON.stringify(entry.started)}} names no command in this trajectory`);
  return text;
}

/** Where the stream sits in a trajectory that is not visible from its content items. */
export interface CodexStreamFrame {
  /** Lines before the first content item when no item precedes the stream. */
  head?: CodexStreamEntry[];
  noFinalNewline?: boolean;
}

/**
 * Rebuilds `agent_stdout_full` from a trajectory's content: each stream item's own line, then
 * its `extra.codex_after` lines, in content order. Items not made from the stream (the user
 * observation) contribute only their `codex_after`.
 */
export function rebuildCodexStream(content: readonly SparkContentItem[], frame: CodexStreamFrame = {}): string {
  const byId = indexToolActions(content);
  const lines: string[] = [];
  for (const entry of frame.head ?? []) lines.push(rebuildEntry(content, byId, entry));
  let plain: string | undefined;
  for (let i = 0; i < content.length; i++) {
    const item = content[i];
    const codex = item.extra?.codex;
    if (codex?.event === 'stdout' && codex.raw === undefined) plain = (item as { content: string }).content;
    else if (codex) lines.push(rebuildOwnLine(content, i)!);
    for (const entry of item.extra?.codex_after ?? []) lines.push(rebuildEntry(content, byId, entry));
  }
  if (plain !== undefined) return plain;
  if (lines.length === 0) return '';
  return lines.join('\n') + (frame.noFinalNewline ? '' : '\n');
}
