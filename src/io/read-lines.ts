import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** One line of a text file, without its `\n` terminator. */
export interface Line {
  /** 1-based line number. */
  lineNumber: number;
  /** The decoded text. When `invalidUtf8` is true, invalid sequences were replaced by U+FFFD. */
  text: string;
  /** Length of the line in bytes, excluding the `\n`. */
  byteLength: number;
  /** The raw bytes were not valid UTF-8. */
  invalidUtf8: boolean;
}

export interface ReadLinesOptions {
  /** Decompress with gunzip. Default: when the path ends in `.gz`. */
  gzip?: boolean;
  /** Bytes per read; larger is faster on big files. */
  chunkSize?: number;
}

/**
 * Streams the lines of a file (optionally gzipped). Memory holds one chunk plus the longest
 * line, never the whole file, so multi-gigabyte JSONL and megabyte-long lines both work.
 * A final line without a trailing `\n` is still yielded; an empty final line is not.
 */
export async function* readLines(file: string, options: ReadLinesOptions = {}): AsyncGenerator<Line> {
  const gzip = options.gzip ?? file.endsWith('.gz');
  const raw = createReadStream(file, { highWaterMark: options.chunkSize ?? 1 << 20 });
  const stream: Readable = gzip ? raw.pipe(createGunzip()) : raw;
  // A gunzip error must surface in the consumer, and the file stream must close with it.
  if (gzip) raw.on('error', (error) => stream.destroy(error));
  yield* splitLines(stream);
}

/** Splits a byte stream into lines (see {@link readLines}). */
export async function* splitLines(stream: AsyncIterable<Buffer>): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;

  for await (const chunk of stream) {
    let start = 0;
    let newline = chunk.indexOf(10, start);
    while (newline !== -1) {
      let bytes: Buffer;
      if (pendingBytes > 0) {
        pending.push(chunk.subarray(start, newline));
        bytes = Buffer.concat(pending, pendingBytes + newline - start);
        pending = [];
        pendingBytes = 0;
      } else {
        bytes = chunk.subarray(start, newline);
      }
      yield decodeLine(bytes, ++lineNumber);
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
    }
  }
  if (pendingBytes > 0) yield decodeLine(Buffer.concat(pending, pendingBytes), ++lineNumber);
}

/** One line's bytes (without the `\n`) as a {@link Line}: how every line reader here decodes. */
export function decodeLine(bytes: Buffer, lineNumber: number): Line {
  const invalidUtf8 = !isUtf8(bytes);
  return { lineNumber, text: bytes.toString('utf8'), byteLength: bytes.length, invalidUtf8 };
}
