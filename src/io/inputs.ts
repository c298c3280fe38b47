import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { isHfUri } from '../hub/hf-uri.js';
import { resolveHfPath } from '../hub/resolve-hf-path.js';
import { RECORD_FILE_SUFFIXES, recordFileType } from './record-format.js';

/** One file to read, as named on the command line or found inside a named directory. */
export interface InputFile {
  /** The path as the user would recognise it (directory argument joined with the relative name). */
  path: string;
  /** Size in bytes, when known (for progress). */
  size?: number;
}

/** Options for {@link expandInputs}. */
export interface ExpandInputsOptions {
  /** Which files to take (default: record files, see {@link recordFileType}). */
  accept?: (path: string) => boolean;
  /** What accepted files are called in messages (default: "record files (.json, .jsonl, …)"). */
  describeAccepted?: string;
}

/**
 * Turns command-line path arguments into files: a file stands for itself, a directory for every
 * accepted file below it (recursively, sorted by name, hidden entries skipped). Every argument
 * is checked before the first file is yielded, so a typo fails fast. This is the one place
 * where CLI paths become files.
 *
 * An `hf://datasets/<owner>/<name>[@rev]/<path-or-glob>` argument is downloaded through the Hub
 * cache first (`resolveHfPath`) and then treated like the local file, folder or file list it became.
 *
 * Throws {@link InputError} (exit 2) for a missing or unreadable path, an explicitly named file
 * that is not accepted, or a directory without accepted files; `HubError` for Hub failures.
 */
export async function* expandInputs(paths: string[], options: ExpandInputsOptions = {}): AsyncGenerator<InputFile> {
  if (paths.length === 0) throw new UsageError('no input paths given');
  const accept = options.accept ?? ((path: string) => recordFileType(path) !== undefined);
  const accepted = options.describeAccepted ?? `record files (${RECORD_FILE_SUFFIXES.join(', ')})`;

  const batches: InputFile[][] = [];
  for (const path of paths) {
    if (isHfUri(path)) {
      // Downloaded through the Hub cache first (settings from HF_ENDPOINT, HF_TOKEN, HF_HOME), then read like local paths.
      batches.push(await expandHfInput(path, accept, accepted));
      continue;
    }
    const info = await statInput(path);
    if (info.isDirectory()) {
      const files: InputFile[] = [];
      await walk(path, accept, files, new Set([await realpath(path)]));
      if (files.length === 0) throw new InputError(path, `the directory holds no ${accepted}`);
      batches.push(files);
    } else {
      if (!accept(path)) throw new InputError(path, `not one of the ${accepted}`);
      batches.push([{ path, size: info.size }]);
    }
  }

  const seen = new Set<string>();
  for (const batch of batches) {
    for (const file of batch) {
      // The same file named twice (or via a directory and directly) is read once.
      const key = await realpath(file.path);
      if (seen.has(key)) continue;
      seen.add(key);
      yield file;
    }
  }
}

async function expandHfInput(uri: string, accept: (path: string) => boolean, accepted: string): Promise<InputFile[]> {
  const local = await resolveHfPath(uri);
  const files: InputFile[] = [];
  for (const path of local) {
    const info = await statInput(path);
    if (info.isDirectory()) await walk(path, accept, files, new Set([await realpath(path)]));
    else if (accept(path)) files.push({ path, size: info.size });
    else if (local.length === 1) throw new InputError(uri, `not one of the ${accepted}`);
  }
  if (files.length === 0) throw new InputError(uri, `matches no ${accepted}`);
  return files;
}

async function statInput(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
    throw new InputError(path, reason, error);
  }
}

function byName(a: string, b: string): number {
  // Code-point order, not the locale's, so every machine lists files the same way.
  return a < b ? -1 : a > b ? 1 : 0;
}

async function walk(dir: string, accept: (path: string) => boolean, out: InputFile[], ancestors: Set<string>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(dir, `cannot list the directory (${(error as { code?: string }).code ?? (error as Error).message})`, error);
  }
  entries.sort((a, b) => byName(a.name, b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined);
      if (target === undefined) continue; // a dangling link names no data
      isDirectory = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDirectory) {
      // A symlink back up the tree would otherwise recurse forever.
      const real = await realpath(path);
      if (ancestors.has(real)) continue;
      await walk(path, accept, out, new Set([...ancestors, real]));
    } else if (isFile && accept(path)) {
      const info = await stat(path);
      out.push({ path, size: info.size });
    }
  }
}
