import type { DownloadProgress } from './hub-options.js';

/** A one-line progress display; `update` is cheap to call on every chunk. */
export interface ProgressBar {
  update(progress: DownloadProgress): void;
  /** Draws the final state and ends the line. */
  done(): void;
}

/**
 * A progress bar (bytes and files) on `stream`, or `undefined` when there must be none: the
 * stream is not a terminal, or `NO_COLOR` is set (trajkit's CLI convention). Redraws at most ten
 * times a second.
 */
export function createProgressBar(options: {
  label: string;
  stream?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
}): ProgressBar | undefined {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  if (!stream.isTTY || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return undefined;
  let last: DownloadProgress | undefined;
  let drawnAt = 0;
  const startedAt = Date.now();
  const draw = () => {
    if (!last) return;
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 70));
    const ratio = last.bytesTotal > 0 ? Math.min(1, last.bytesDone / last.bytesTotal) : last.filesTotal > 0 ? last.filesDone / last.filesTotal : 1;
    const filled = Math.round(ratio * width);
    const seconds = (Date.now() - startedAt) / 1000;
    const rate = seconds > 0.5 ? `  ${formatBytes(last.bytesDone / seconds)}/s` : '';
    const line =
      `${options.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` +
      `${last.filesDone}/${last.filesTotal} files  ${formatBytes(last.bytesDone)}/${formatBytes(last.bytesTotal)}${rate}`;
    stream.write(`\r\u001b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
    drawnAt = Date.now();
  };
  return {
    update(progress) {
      last = progress;
      if (Date.now() - drawnAt >= 100) draw();
    },
    done() {
      draw();
      if (last) stream.write('\n');
    },
  };
}

/** `1.5 MB`-style sizes (powers of 1000, as the Hub shows them). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}
