import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { readLines } from '../io/read-lines.js';
import type { PdiIssue } from '../pdi/issues.js';
import { findLoneSurrogate, parseAttemptsFile, parseTrajectoryLine, type SparkEvent } from '../pdi/spark-records.js';
import type { SparkTaskRecords } from '../pdi/task.js';
import type { SparkTaskFolder } from './spark-task-folders.js';

/**
 * Reads the PDI-relevant records of one SPARK task folder: every trajectory line parsed and
 * checked (bad lines become issues with file and line, the rest go on), and `attempts.json`.
 * Streams the trajectory line by line; lines may be megabytes long.
 */
export async function readSparkTask(folder: SparkTaskFolder): Promise<SparkTaskRecords> {
  const records: SparkTaskRecords = { task: folder.task };
  if (folder.trajectory) records.trajectory = await readTrajectory(folder.task, folder.trajectory);
  if (folder.attempts) records.attempts = await readAttempts(folder.task, folder.attempts);
  return records;
}

/** Parses `trajectory.jsonl`; a file that cannot be opened becomes an issue, not a throw. */
export async function readTrajectory(task: string, file: string): Promise<{ file: string; events: SparkEvent[]; issues: PdiIssue[] }> {
  const events: SparkEvent[] = [];
  const issues: PdiIssue[] = [];
  try {
    for await (const line of readLines(file)) {
      const parsed = parseTrajectoryLine(line.text, { file, line: line.lineNumber, invalidUtf8: line.invalidUtf8 });
      if (parsed.event) events.push(parsed.event);
      for (const issue of parsed.issues) issues.push({ task, ...issue });
    }
  } catch (error) {
    issues.push({ code: 'TK_PDI_UNREADABLE', task, file, message: `cannot read: ${(error as Error).message}` });
  }
  return { file, events, issues };
}

/**
 * Parses and validates `attempts.json`. A file that cannot be read or parsed is an issue of
 * every recomputation; a document whose settings are fine but whose history is not only
 * matters to a replay from `attempts.json` (see `docIssues`).
 */
export async function readAttempts(task: string, file: string): Promise<NonNullable<SparkTaskRecords['attempts']>> {
  const fail = (issue: Omit<PdiIssue, 'task' | 'file'>) => ({ file, issues: [{ task, file, ...issue }], docIssues: [] });
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return fail({ code: 'TK_PDI_UNREADABLE', message: `cannot read: ${(error as Error).message}` });
  }
  if (!isUtf8(bytes)) return fail({ code: 'TK_PDI_MALFORMED_LINE', message: 'not valid UTF-8' });
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return fail({ code: 'TK_PDI_MALFORMED_LINE', message: `not JSON: ${(error as Error).message}` });
  }
  const lone = findLoneSurrogate(value);
  if (lone !== undefined) {
    return fail({ code: 'TK_PDI_MALFORMED_LINE', path: lone, message: 'string holds a lone UTF-16 surrogate (not valid Unicode)' });
  }
  const parsed = parseAttemptsFile(value, file);
  return {
    file,
    settings: parsed.settings,
    doc: parsed.doc,
    issues: parsed.settingsIssues.map((issue) => ({ task, ...issue })),
    docIssues: parsed.docIssues.map((issue) => ({ task, ...issue })),
  };
}
