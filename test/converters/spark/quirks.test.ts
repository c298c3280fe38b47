import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rebuildSparkTask, groupSparkRecordsByTask } from '../../../converters/spark/export.js';
import { jsonEqual } from '../../../converters/spark/json-patch.js';
import { sparkTaskToTrajectories } from '../../../converters/spark/import.js';
import type { SparkTrajectory, SparkWarning } from '../../../converters/spark/types.js';
import { importSpark } from '../../../src/import/import-spark.js';

// Hand-made task folders, one per family of quirks (fixtures/spark/dataset/README.md).
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'spark', 'dataset');

let records: SparkTrajectory[];
let warnings: SparkWarning[];
let tasks: { task: string; attempts: number; records: number }[];

beforeAll(async () => {
  records = [];
  warnings = [];
  tasks = [];
  // Through JSON, as a written file gives them back.
  for await (const item of importSpark(FIXTURES)) {
    if (item.kind === 'record') records.push(JSON.parse(JSON.stringify(item.record)) as SparkTrajectory);
    else if (item.kind === 'warning') warnings.push(item.warning);
    else tasks.push({ task: item.task, attempts: item.attempts, records: item.records });
  }
});

const record = (id: string) => {
  const found = records.find((r) => r.id === id);
  if (!found) throw new Error(`no record ${id}`);
  return found;
};
const warning = (code: string, task: string, file: string, line?: number) =>
  expect.objectContaining({ code, task, file, ...(line !== undefined && { line }) });

describe('SPARK quirks (fixtures/spark/dataset)', () => {
  it('imports every task folder, one record per attempt, and skips a folder without SPARK files with a warning', () => {
    expect(tasks).toEqual([
      { task: 'apt-task', attempts: 2, records: 2 },
      { task: 'csv-totals', attempts: 2, records: 2 },
      { task: 'messy-task', attempts: 3, records: 3 },
      { task: 'slow-task', attempts: 2, records: 2 },
    ]);
    expect(records.map((r) => r.id)).toContain('spark/messy-task/attempt-2');
    expect(warnings).toContainEqual(warning('no_spark_files', 'not-a-task', ''));
  });

  it('reports a malformed line and a blank line, and still imports the rest of the task', () => {
    expect(warnings).toContainEqual(warning('malformed_line', 'messy-task', 'trajectory.jsonl', 2));
    expect(warnings).toContainEqual(warning('blank_line', 'messy-task', 'trajectory.jsonl', 3));
    expect(record('spark/messy-task/attempt-1').pdi?.step).toBe(-1);
    expect(record('spark/messy-task/attempt-2').outcome?.exit_status).toBe('ERROR');
  });

  it('imports tasks with only some of the three files, saying which file is missing', () => {
    expect(warnings).toContainEqual(warning('missing_file', 'apt-task', 'trajectory.jsonl'));
    expect(warnings).toContainEqual(warning('missing_file', 'slow-task', 'attempts.json'));
    const apt = record('spark/apt-task/attempt-0');
    expect(apt.provenance).toMatchObject({ source_file: 'attempts.json', attempt: 0, extra: { attempts_json_index: 0 } });
    expect(apt.content).toEqual([]);
    expect(apt.outcome).toMatchObject({ status: 'INFRA_ERROR', success: false, test_summary: 'Execution failed: Setup failed: apt-get exited with code 100' });
  });

  it('imports a cancelled run (trajectory only) with its execution failure and an attempt that never got past turn.started', () => {
    const failed = record('spark/slow-task/attempt-0');
    expect(failed.outcome).toMatchObject({ status: 'ERROR', exit_status: 'ERROR', error: 'Harbor process timed out after 1800s', extra: { result_json: null, ctrf_json: null } });
    expect(failed.content.map((c) => c.class_)).toEqual(['text_observation']);
    const idle = record('spark/slow-task/attempt-1');
    expect(idle.content).toHaveLength(1);
    expect(idle.content[0].extra?.codex_after).toEqual([{ line: { type: 'thread.started', thread_id: '0003-demo' } }, { line: { type: 'turn.started' } }]);
    expect(idle.details.spark_task_summary).toMatchObject({ task_name: 'slow-task', total_attempts: 2 });
  });

  it('keeps both status labels when the files disagree, and warns', () => {
    const passed = record('spark/messy-task/attempt-2');
    expect(passed.outcome).toMatchObject({ status: 'PASS', exit_status: 'ERROR', success: true, reward: 1 });
    expect(warnings).toContainEqual(warning('status_mismatch', 'messy-task', 'trajectory.jsonl', 9));
    // INFRA_ERROR after judging: the two summaries differ; PDI's T′ uses the attempts.json one.
    const infra = record('spark/messy-task/attempt-0');
    expect(infra.outcome?.test_summary).toBe('FAILED (fix these):\n  ✗ test_build');
    expect(infra.outcome?.extra?.attempts_json_test_summary).toBe('Infrastructure error: OSError: [Errno 28] No space left on device');
  });

  it('flags [LLM ERROR] text where a memo or a skill should be, never parsing it', () => {
    const reflected = record('spark/messy-task/attempt-1');
    const call = reflected.llm_calls?.find((c) => c.purpose === 'reflect');
    expect(call?.error).toBe('[LLM ERROR] 502 Bad Gateway: <html>');
    expect(call?.response).toContain('\r\n<head>');
    expect(reflected.artifacts?.find((a) => a.name === 'memo_after')?.metadata).toEqual({ llm_error: true });
    expect(warnings).toContainEqual(warning('llm_error_text', 'messy-task', 'trajectory.jsonl', 6));
    expect(warnings).toContainEqual(warning('llm_error_text', 'messy-task', 'attempts.json'));
    const skill = record('spark/apt-task/attempt-1').artifacts?.find((a) => a.name === 'SKILL.md');
    expect(skill?.metadata).toMatchObject({ llm_error: true, frontmatter: null, skill_name: 'apt-task' });
    expect(warnings).toContainEqual(warning('llm_error_text', 'apt-task', 'SKILL.md', 1));
  });

  it('keeps a truncated SKILL.md as is, with its frontmatter parsed, on the passing attempt', () => {
    const skill = record('spark/csv-totals/attempt-1').artifacts?.find((a) => a.name === 'SKILL.md');
    expect(skill).toMatchObject({ kind: 'skill', media_type: 'text/markdown', metadata: { skill_name: 'csv-totals', fence_lines: 3, unbalanced_fences: true } });
    expect((skill?.metadata?.frontmatter as Record<string, unknown>).tags).toEqual(['csv', 'pandas']);
    expect(skill?.content).toBe(readFileSync(join(FIXTURES, 'csv-totals', 'SKILL.md'), 'utf8'));
    expect(warnings).toContainEqual(warning('skill_unbalanced_fences', 'csv-totals', 'SKILL.md', 21));
  });

  it('keeps NUL, mojibake, U+FFFD and ANSI escapes exactly, with a warning naming the line', () => {
    const first = record('spark/csv-totals/attempt-0');
    const outputs = first.content.filter((c) => c.class_ === 'text_observation').map((c) => c.content);
    expect(outputs).toContain('ab\u0000cd \ufffd\u001b[31mred\u001b[0m\n');
    expect(first.artifacts?.find((a) => a.name === 'memo_after')?.content).toContain('Iâ\u0080\u0099ll use pandas');
    for (const code of ['nul_char', 'mojibake', 'replacement_char']) {
      expect(warnings).toContainEqual(warning(code, 'csv-totals', 'trajectory.jsonl', 1));
    }
    expect(warnings).toContainEqual(warning('mojibake', 'csv-totals', 'attempts.json', 4));
  });

  it('keeps what the typed mapping cannot hold verbatim (unknown events, duplicates, extra keys, odd lines), with warnings', () => {
    const r = record('spark/messy-task/attempt-1');
    expect((r.details.spark_extra_events as { line: number }[]).map((e) => e.line)).toEqual([7, 8]);
    expect(r.details.spark_event_patches).toEqual([{ line: 4, set: { harbor_version: '0.9' } }]);
    expect(r.details.spark_attempts_entry_patch).toEqual({ set: { agent_commands: 'sleep 999 # tail-kept' } });
    expect(warnings).toContainEqual(warning('unknown_event', 'messy-task', 'trajectory.jsonl', 7));
    expect(warnings).toContainEqual(warning('writer_drift', 'messy-task', 'trajectory.jsonl', 8));
    expect(warnings).toContainEqual(warning('writer_drift', 'messy-task', 'trajectory.jsonl', 4));
    expect(warnings).toContainEqual(warning('verbatim_stdout', 'messy-task', 'trajectory.jsonl', 4));
    expect(warnings).toContainEqual(warning('missing_task_summary', 'messy-task', 'trajectory.jsonl'));
  });

  it('rebuilds every readable line, attempts.json and SKILL.md of every fixture task exactly', () => {
    for (const [task, list] of groupSparkRecordsByTask(records)) {
      const dir = join(FIXTURES, task);
      const rebuilt = rebuildSparkTask(list);
      const trajectory = join(dir, 'trajectory.jsonl');
      const expected = existsSync(trajectory)
        ? readFileSync(trajectory, 'utf8')
            .split('\n')
            .map((text, i) => ({ line: i + 1, text }))
            .filter(({ text }) => {
              try {
                JSON.parse(text);
                return true;
              } catch {
                return false; // the malformed and blank lines were reported and skipped
              }
            })
            .map(({ line, text }) => ({ line, event: JSON.parse(text) as unknown }))
        : [];
      expect(jsonEqual(rebuilt.events, expected), `${task} events`).toBe(true);
      const attempts = join(dir, 'attempts.json');
      expect(jsonEqual(rebuilt.attemptsJson, existsSync(attempts) ? JSON.parse(readFileSync(attempts, 'utf8')) : undefined), `${task} attempts.json`).toBe(true);
      const skill = join(dir, 'SKILL.md');
      expect(rebuilt.skillMd, `${task} SKILL.md`).toBe(existsSync(skill) ? readFileSync(skill, 'utf8') : undefined);
    }
  });
});

describe('sparkTaskToTrajectories (pure)', () => {
  it('stores a field that does not fit its typed home as a patch, and the rebuild is still exact', () => {
    const events = [
      { line: 1, event: { type: 'execution_result', attempt: 0, success: 'yes', reward: '1.0', status: 'PASS', n_passed: -1, n_tests: 1, agent_stdout_full: '', test_stdout_full: '', agent_commands: '', test_summary: '', result_json: null, ctrf_json: null, retry_injection: '', error: '', ts: 1 } },
      { line: 2, event: { type: 'pdi_snapshot', attempt: 0, step: 'zero', proxy_exec: 0, proxy_plan: 0, proxy_oss: 0, raw_pdi: 0, weight: 0, weighted_pdi: 0, triggered: false, level: null, ts: 2 } },
    ];
    const { records, warnings } = sparkTaskToTrajectories({ task: 'drift', events: structuredClone(events) });
    expect(records).toHaveLength(1);
    expect(records[0].pdi).toBeUndefined();
    expect(records[0].outcome?.success).toBeUndefined();
    expect(warnings.filter((w) => w.code === 'writer_drift').map((w) => w.line)).toEqual([1, 2]);
    expect(jsonEqual(rebuildSparkTask(JSON.parse(JSON.stringify(records))).events, events)).toBe(true);
  });

  it('says so when a task has no attempts at all', () => {
    const { records, warnings } = sparkTaskToTrajectories({ task: 'empty', events: [{ line: 1, event: { type: 'task_summary', task_name: 'empty' } }] });
    expect(records).toEqual([]);
    expect(warnings.map((w) => w.code)).toContain('attempt_mismatch');
  });
});

describe('SPARK quirk records validate', () => {
  it('gives valid adp@1.6.0 records for every fixture task, quirks and all', async () => {
    const { validateRecord } = await import('../../../src/schema/validate-record.js');
    const problems: string[] = [];
    for (const r of records) {
      for (const issue of validateRecord(r, 'adp@1.6.0').issues) problems.push(`${r.id} ${issue.severity} ${issue.path}: ${issue.message}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('SPARK size extremes', () => {
  it('imports a line over 1 MB with a 800,000-character field whole, warns, and rebuilds it exactly', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'trajkit-spark-big-'));
    try {
      const task = join(dir, 'big-task');
      await mkdir(task);
      const huge = `[LLM ERROR] data: ${'{"delta":{"content":"ü ✓ é"}}\n'.repeat(30_000)}`.slice(0, 800_000);
      const events = [
        { type: 'execution_result', attempt: 0, success: false, reward: 0, status: 'FAIL', n_passed: 0, n_tests: 1, agent_stdout_full: '', test_stdout_full: 'x'.repeat(300_000), agent_commands: 'ls', test_summary: 'FAILED (fix these):\n  ✗ t', result_json: null, ctrf_json: null, retry_injection: '', error: '', ts: 1 },
        { type: 'reflect_call', attempt: 0, model: 'm', system_prompt: 's', user_prompt: 'u', response: huge, input_tokens: 0, output_tokens: 0, latency_s: 1, memo_before: '', memo_after: huge, ts: 2 },
      ];
      const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
      await writeFile(join(task, 'trajectory.jsonl'), text);
      const got: SparkTrajectory[] = [];
      const seen: SparkWarning[] = [];
      for await (const item of importSpark(task)) {
        if (item.kind === 'record') got.push(JSON.parse(JSON.stringify(item.record)) as SparkTrajectory);
        else if (item.kind === 'warning') seen.push(item.warning);
      }
      expect(Buffer.byteLength(text.split('\n')[1])).toBeGreaterThan(1024 * 1024);
      expect(seen).toContainEqual(warning('large_line', 'big-task', 'trajectory.jsonl', 2));
      expect(seen).toContainEqual(warning('llm_error_text', 'big-task', 'trajectory.jsonl', 2));
      expect(got[0].llm_calls?.[0].response).toHaveLength(800_000);
      expect(jsonEqual(rebuildSparkTask(got).events, events.map((event, i) => ({ line: i + 1, event })))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
