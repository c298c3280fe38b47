import { realpath, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { findSparkTasks } from '../import/import-spark.js';

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

/**
 * Finds SPARK task folders under `inputs` with something PDI can read (`trajectory.jsonl` or
 * `attempts.json`): each input is a task folder or a folder above task folders. The folder walk
 * is the importer's (`findSparkTasks`), so `trajkit pdi` and `trajkit import spark` see the same
 * tasks; the task list comes from the disk, never from a fixed list. A folder reached through
 * two inputs counts once. Throws `InputError` for a path that does not exist or holds no such
 * task folder.
 */
export async function findSparkTaskFolders(inputs: readonly string[]): Promise<SparkTaskFolder[]> {
  const found: SparkTaskFolder[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const info = await stat(input).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(input, error.code === 'ENOENT' ? 'no such file or folder' : error.message, error);
    });
    if (!info.isDirectory()) throw new InputError(input, 'not a folder (raw SPARK input is a task folder or a dataset root)');
    const { folders } = await findSparkTasks(resolve(input));
    const usable = folders.filter((f) => f.files.trajectory || f.files.attempts);
    if (usable.length === 0) throw new InputError(input, `no SPARK task folder (one holding ${TRAJECTORY} or ${ATTEMPTS}) found`);
    for (const folder of usable) {
      const real = await realpath(folder.dir);
      if (seen.has(real)) continue;
      seen.add(real);
      found.push({
        task: folder.task,
        dir: folder.dir,
        trajectory: folder.files.trajectory ? join(folder.dir, TRAJECTORY) : undefined,
        attempts: folder.files.attempts ? join(folder.dir, ATTEMPTS) : undefined,
      });
    }
  }
  return uniqueNames(found);
}

// Two roots can hold folders of the same name; keep both, told apart by their path.
function uniqueNames(folders: SparkTaskFolder[]): SparkTaskFolder[] {
  const counts = new Map<string, number>();
  for (const f of folders) counts.set(f.task, (counts.get(f.task) ?? 0) + 1);
  return folders.map((f) => ((counts.get(f.task) ?? 0) > 1 ? { ...f, task: relative(process.cwd(), f.dir) || f.task } : f));
}
