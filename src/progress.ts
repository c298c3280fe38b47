/** Where a progress bar is drawn: a terminal stream, usually `process.stderr`. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What the bar shows: a fraction when `total` is known, and a short text. */
export interface ProgressState {
  done?: number;
  total?: number;
  text?: string;
}

/** A one-line progress display that redraws in place; does nothing when disabled. */
export interface Progress {
  readonly enabled: boolean;
  /** Redraws, at most once per interval (the last state is kept, so nothing is lost). */
  update(state: ProgressState): void;
  /** Prints a whole line above the bar (the bar is cleared and redrawn). */
  log(line: string): void;
  /** Removes the bar until the next update, e.g. before writing to stdout on the same terminal. */
  clear(): void;
  /** Clears the bar for good. */
  done(): void;
}

/** Options for {@link createProgress}. */
export interface ProgressOptions {
  stream?: ProgressStream;
  /** Force on or off; default: {@link progressWanted}. */
  enabled?: boolean;
  /** Minimum time between redraws (default 100 ms). */
  intervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * Whether progress (and colour) belongs on `stream`: only on a terminal, and not when the user
 * set `NO_COLOR` (https://no-color.org: any non-empty value).
 */
export function progressWanted(stream: ProgressStream = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

const BAR_WIDTH = 20;

/**
 * A small progress bar for stderr, for long commands. Pipes and logs never see it: it is off
 * unless the stream is a terminal (see {@link progressWanted}).
 */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? progressWanted(stream);
  const interval = options.intervalMs ?? 100;
  const now = options.now ?? Date.now;
  let last = -Infinity;
  let state: ProgressState = {};
  let drawn = false;

  const draw = () => {
    last = now();
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    let line = '';
    if (state.total !== undefined && state.total > 0 && state.done !== undefined) {
      const fraction = Math.min(1, Math.max(0, state.done / state.total));
      const filled = Math.round(fraction * BAR_WIDTH);
      line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% `;
    }
    line += state.text ?? '';
    if (line.length > width) line = `${line.slice(0, width - 1)}…`;
    stream.write(`\r${line}\x1b[K`);
    drawn = true;
  };
  const clear = () => {
    if (drawn) stream.write('\r\x1b[K');
    drawn = false;
  };

  if (!enabled) return { enabled, update() {}, log: (line) => void stream.write(`${line}\n`), clear() {}, done() {} };
  return {
    enabled,
    update(next) {
      state = next;
      if (now() - last >= interval) draw();
    },
    log(line) {
      clear();
      stream.write(`${line}\n`);
      if (state.text !== undefined || state.total !== undefined) draw();
    },
    clear() {
      clear();
      last = -Infinity;
    },
    done() {
      clear();
    },
  };
}
