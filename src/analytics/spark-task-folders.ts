import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { InputError } from '../errors.js';

/** A SPARK task folder and the PDI source files found in it. */
export interface SparkTaskFolder {
  /** Task name: the folder name (verbatim, misspellings included), made unique if needed. */
  task: string;
  dir: string;
  trajectory?: string;
  attempts?: string;
}

const TRAJECTORY = 'trajectory.jsonl';
const ATTEMPTS = 'attempts.json';
/** A dataset root may sit a few levels above its task folders (`data/spark/all_model_pdi/<task>`). */
const MAX_DEPTH = 4;

/**
 * Finds SPARK task folders under `inputs`: each input is a task folder (it holds
 * `trajectory.jsonl` or `attempts.json`) or a folder above task folders, searched a few levels
 * down. The task list comes from the disk, never from a fixed list. Throws `InputError` for a
 * path that does not exist or holds no task folder.
 */
export async function findSparkTaskFolders(inputs: readonly string[]): Promise<SparkTaskFolder[]> {
  const found: SparkTaskFolder[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const info = await stat(input).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(input, error.code === 'ENOENT' ? 'no such file or folder' : error.message, error);
    });
    if (!info.isDirectory()) throw new InputError(input, 'not a folder (raw SPARK input is a task folder or a dataset root)');
    const before = found.length;
    await walk(resolve(input), 0, found, seen);
    if (found.length === before) {
      throw new InputError(input, `no SPARK task folder (one holding ${TRAJECTORY} or ${ATTEMPTS}) found within ${MAX_DEPTH} levels`);
    }
  }
  return uniqueNames(found);
}

async function walk(dir: string, depth: number, found: SparkTaskFolder[], seen: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  const entries = await readdir(dir, { withFileTypes: true });
  const files = new Set(entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name));
  if (files.has(TRAJECTORY) || files.has(ATTEMPTS)) {
    found.push({
      task: basename(dir),
      dir,
      trajectory: files.has(TRAJECTORY) ? join(dir, TRAJECTORY) : undefined,
      attempts: files.has(ATTEMPTS) ? join(dir, ATTEMPTS) : undefined,
    });
    return;
  }
  if (depth >= MAX_DEPTH) return;
  const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  for (const name of subdirs) await walk(join(dir, name), depth + 1, found, seen);
}

// Two roots can hold folders of the same name; keep both, told apart by their path.
function uniqueNames(folders: SparkTaskFolder[]): SparkTaskFolder[] {
  const counts = new Map<string, number>();
  for (const f of folders) counts.set(f.task, (counts.get(f.task) ?? 0) + 1);
  return folders.map((f) => ((counts.get(f.task) ?? 0) > 1 ? { ...f, task: relative(process.cwd(), f.dir) || f.task } : f));
}
