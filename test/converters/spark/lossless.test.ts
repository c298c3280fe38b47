import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupSparkRecordsByTask, rebuildSparkTask } from '../../../converters/spark/export.js';
import { jsonEqual } from '../../../converters/spark/json-patch.js';
import type { SparkTrajectory, SparkWarning } from '../../../converters/spark/types.js';
import { findSparkTasks, importSparkToFile, type SparkTaskFolder } from '../../../src/import/import-spark.js';
import { validateRecord } from '../../../src/schema/validate-record.js';

// The real release sample (never a hard-coded task list: whatever folders are there).
const DATA = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'spark');

let dir: string;
let records: SparkTrajectory[];
let folders: SparkTaskFolder[];
let warnings: SparkWarning[];
let summary: Awaited<ReturnType<typeof importSparkToFile>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trajkit-spark-'));
  const out = join(dir, 'spark.jsonl');
  summary = await importSparkToFile(DATA, out);
  warnings = summary.warnings;
  // Rebuild from the written file, not from objects in memory: what a user gets is the file.
  records = readFileSync(out, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SparkTrajectory);
  folders = (await findSparkTasks(DATA)).folders;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function originalEvents(folder: SparkTaskFolder): { line: number; event: unknown }[] {
  const path = join(folder.dir, 'trajectory.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((text, i) => ({ line: i + 1, text }))
    .filter(({ text }) => text !== '')
    .map(({ line, text }) => ({ line, event: JSON.parse(text) as unknown }));
}

describe('SPARK import on the real release sample', () => {
  it('finds every task folder and writes one record per attempt', () => {
    expect(folders.length).toBeGreaterThanOrEqual(14);
    expect(summary.tasks).toBe(folders.length);
    expect(summary.trajectories).toBe(records.length);
    expect(summary.attempts).toBe(records.length);
    let attempts = 0;
    for (const folder of folders) {
      const seen = new Set<number>();
      for (const { event } of originalEvents(folder)) {
        const e = event as { type: string; attempt?: number };
        if (e.type === 'execution_result') seen.add(e.attempt!);
      }
      const attemptsJson = join(folder.dir, 'attempts.json');
      if (existsSync(attemptsJson)) {
        for (const a of (JSON.parse(readFileSync(attemptsJson, 'utf8')) as { attempts: { attempt: number }[] }).attempts) seen.add(a.attempt);
      }
      attempts += seen.size;
    }
    expect(records.length).toBe(attempts);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  });

  it('rebuilds every trajectory.jsonl event, byte-exact agent_stdout_full included, from the records alone', () => {
    const byTask = groupSparkRecordsByTask(records);
    let events = 0;
    for (const folder of folders) {
      const original = originalEvents(folder);
      if (original.length === 0) continue;
      const rebuilt = rebuildSparkTask(byTask.get(folder.task)!);
      expect(rebuilt.events.map((e) => e.line), folder.task).toEqual(original.map((e) => e.line));
      for (let i = 0; i < original.length; i++) {
        const a = rebuilt.events[i].event as Record<string, unknown>;
        const b = original[i].event as Record<string, unknown>;
        // Say which field differs instead of diffing megabytes.
        for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
          expect(jsonEqual(a[key], b[key]), `${folder.task} line ${original[i].line} ${String(b.type)}.${key}`).toBe(true);
        }
        if (typeof b.agent_stdout_full === 'string') expect(a.agent_stdout_full === b.agent_stdout_full).toBe(true);
        events++;
      }
    }
    expect(events).toBeGreaterThan(100);
  });

  it('rebuilds every attempts.json field and SKILL.md', () => {
    const byTask = groupSparkRecordsByTask(records);
    let files = 0;
    for (const folder of folders) {
      const rebuilt = rebuildSparkTask(byTask.get(folder.task)!);
      const path = join(folder.dir, 'attempts.json');
      if (existsSync(path)) {
        const original = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
        expect(rebuilt.attemptsJson, folder.task).toBeDefined();
        for (const key of new Set([...Object.keys(original), ...Object.keys(rebuilt.attemptsJson!)])) {
          expect(jsonEqual(rebuilt.attemptsJson![key], original[key]), `${folder.task} attempts.json ${key}`).toBe(true);
        }
        files++;
      } else {
        expect(rebuilt.attemptsJson, folder.task).toBeUndefined();
      }
      const skill = join(folder.dir, 'SKILL.md');
      expect(rebuilt.skillMd, `${folder.task} SKILL.md`).toBe(existsSync(skill) ? readFileSync(skill, 'utf8') : undefined);
    }
    expect(files).toBeGreaterThan(0);
  });

  it('needs no verbatim fallbacks: the typed mapping covers the real writer', () => {
    const fallbacks = warnings.filter((w) => w.code === 'writer_drift' || w.code === 'verbatim_stdout' || w.code === 'unknown_event');
    expect(fallbacks).toEqual([]);
    for (const r of records) {
      expect(r.details.spark_event_patches, r.id).toBeUndefined();
      expect(r.details.spark_attempts_entry_patch, r.id).toBeUndefined();
    }
  });

  it('writes records that validate as adp@1.6.0 without a single issue (warnings included)', () => {
    const problems: string[] = [];
    for (const record of records) {
      for (const issue of validateRecord(record, 'adp@1.6.0').issues) {
        problems.push(`${record.id} ${issue.severity} ${issue.path}: ${issue.message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps the facts PDI needs on typed fields', () => {
    const byTask = groupSparkRecordsByTask(records);
    for (const [task, list] of byTask) {
      for (const r of list) {
        expect(r.provenance.task).toBe(task);
        expect(r.outcome?.status, r.id).toMatch(/^(PASS|FAIL|PARTIAL|ERROR|INFRA_ERROR)$/);
        const reflect = r.llm_calls?.find((c) => c.purpose === 'reflect');
        if (reflect) {
          // A reflected attempt has its snapshot, and its memo after is the reflect's response.
          expect(r.pdi, r.id).toBeDefined();
          expect(r.artifacts?.find((a) => a.name === 'memo_after')?.content ?? '').toBe(reflect.response);
        }
        if (r.provenance.extra?.lines) expect('result_json' in (r.outcome?.extra ?? {}), r.id).toBe(true);
      }
    }
  });
});
