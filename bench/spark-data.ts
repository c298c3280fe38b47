import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The SPARK files that hold JSON (the bytes a JSON.parse baseline reads). */
export const SPARK_JSON_FILES: readonly string[] = ['trajectory.jsonl', 'attempts.json'];

export interface ReplicateSparkOptions {
  /** At least this many MB (default 512). */
  sizeMB?: number;
  /**
   * Make every copy after the first differ from the original (`~<copy> ` after each escaped
   * newline in the JSON files), so Parquet's dictionary encoding cannot store identical copies
   * once. Every JSON string stays valid; PDI values of marked copies change.
   */
  mark?: boolean;
  /** Count only the JSON files' bytes (default: every file's). */
  countJsonOnly?: boolean;
  log: (line: string) => void;
  label: string;
}

/**
 * Copies the shared SPARK sample (`../shared/data/spark`, or `TRAJKIT_SPARK_DATA`) into
 * `<dir>/all_model_pdi` under new task names (`<task>~<copy>`) until it holds `sizeMB`.
 */
export async function replicateSparkData(dir: string, options: ReplicateSparkOptions): Promise<{ root: string; bytes: number; folders: number }> {
  const source = process.env.TRAJKIT_SPARK_DATA ?? fileURLToPath(new URL('../../../shared/data/spark/all_model_pdi', import.meta.url));
  const target = (options.sizeMB ?? 512) * 1024 * 1024;
  const root = join(dir, 'all_model_pdi');
  const tasks = (await readdir(source, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (tasks.length === 0) throw new Error(`no SPARK task folders in ${source}`);
  let bytes = 0;
  let folders = 0;
  for (let copy = 0; bytes < target; copy++) {
    for (const task of tasks) {
      const into = join(root, `${task}~${copy}`);
      await mkdir(into, { recursive: true });
      for (const name of await readdir(join(source, task))) {
        const isJson = SPARK_JSON_FILES.includes(name);
        if (options.mark && copy > 0 && isJson) {
          const text = await readFile(join(source, task, name), 'utf8');
          const marked = text.replaceAll('\\n', `\\n~${copy} `);
          await writeFile(join(into, name), marked);
          bytes += Buffer.byteLength(marked);
          continue;
        }
        await copyFile(join(source, task, name), join(into, name));
        if (isJson || !options.countJsonOnly) bytes += (await stat(join(into, name))).size;
      }
      folders++;
    }
    if (copy % 10 === 9) options.log(`${options.label}: ${(bytes / 1024 / 1024).toFixed(0)} MB in ${folders} task folders`);
  }
  options.log(`${options.label}: ${(bytes / 1024 / 1024).toFixed(0)} MB in ${folders} task folders`);
  return { root, bytes, folders };
}

/**
 * The JSON.parse baseline over SPARK folders: every `trajectory.jsonl` line and every
 * `attempts.json` (read whole and split on `\n`, as the importer does: a task's file is a few
 * MB). With `readSkill`, `SKILL.md` is read too. Returns the records parsed.
 */
export async function parseSparkFolders(root: string, options: { readSkill?: boolean } = {}): Promise<number> {
  let records = 0;
  for (const task of await readdir(root)) {
    const folder = join(root, task);
    const names = new Set(await readdir(folder));
    if (names.has('trajectory.jsonl')) {
      const bytes = await readFile(join(folder, 'trajectory.jsonl'));
      for (let start = 0; start < bytes.length; ) {
        let end = bytes.indexOf(10, start);
        if (end === -1) end = bytes.length;
        if (end > start) {
          JSON.parse(bytes.toString('utf8', start, end));
          records++;
        }
        start = end + 1;
      }
    }
    if (names.has('attempts.json')) {
      JSON.parse(await readFile(join(folder, 'attempts.json'), 'utf8'));
      records++;
    }
    if (options.readSkill && names.has('SKILL.md')) await readFile(join(folder, 'SKILL.md'), 'utf8');
  }
  return records;
}
