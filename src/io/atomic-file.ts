import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';

/** A file being written: nothing appears at `path` until `commit()` renames the temp file. */
export interface AtomicFile {
  readonly path: string;
  /** The temp file the bytes go to; same folder as `path`, so the rename is atomic. */
  readonly tempPath: string;
  /** Writes a chunk, waiting when the OS buffer is full (backpressure). */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Flushes, closes and renames the temp file over `path`. */
  commit(): Promise<void>;
  /** Closes and removes the temp file; `path` is untouched. Safe to call more than once. */
  abort(): Promise<void>;
}

/** A temp path beside `path` (same filesystem, so rename is atomic). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Opens `path` for an atomic write (temp file, then rename). With `gzip` (default: path ends in
 * `.gz`) the bytes are compressed on the way. A failed or aborted write never leaves a partial
 * file at `path`.
 */
export function openAtomicFile(path: string, options: { gzip?: boolean } = {}): AtomicFile {
  const tempPath = tempPathFor(path);
  const file: WriteStream = createWriteStream(tempPath);
  const gzip: Gzip | undefined = (options.gzip ?? path.endsWith('.gz')) ? createGzip() : undefined;
  if (gzip) gzip.pipe(file);
  const sink = gzip ?? file;
  let failure: Error | undefined;
  const remember = (error: Error) => {
    failure ??= error;
  };
  file.on('error', remember);
  gzip?.on('error', remember);
  let done = false;

  return {
    path,
    tempPath,
    async write(chunk) {
      if (failure) throw failure;
      if (!sink.write(chunk)) await drained(sink, file);
      if (failure) throw failure;
    },
    async commit() {
      if (done) return;
      done = true;
      const closed = once(file, 'close');
      sink.end();
      await closed;
      if (failure) {
        await rm(tempPath, { force: true });
        throw failure;
      }
      await rename(tempPath, path);
    },
    async abort() {
      if (done) return;
      done = true;
      file.destroy();
      gzip?.destroy();
      await rm(tempPath, { force: true });
    },
  };
}

/**
 * Resolves when `stream` drains or `failing` (default: the stream itself) errors; the caller
 * checks its own recorded failure afterwards. Both listeners are removed either way, so a long
 * write does not pile up listeners.
 */
export function drained(stream: NodeJS.EventEmitter, failing: NodeJS.EventEmitter = stream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      failing.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    failing.on('error', done);
  });
}

/** Writes a whole file atomically. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tempPath = tempPathFor(path);
  try {
    await writeFile(tempPath, data);
    await rename(tempPath, path);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}
