/**
 * trajkit's errors. Every error a user can see carries a stable `code`, so scripts can
 * branch on it and the CLI can map it to an exit code in one place (src/cli.ts).
 *
 * Bad *records* are not errors: validators return issues as data and a batch goes on.
 * Throw only when the run itself cannot go on (a usage mistake, an unreadable path).
 */
export class TrajkitError extends Error {
  /** Stable machine-readable code, e.g. `TK_USAGE`. */
  readonly code: string;
  /** CLI exit code this error maps to: 1 = the command ran and failed, 2 = usage or setup. */
  readonly exitCode: 1 | 2;

  constructor(code: string, message: string, options: { exitCode?: 1 | 2; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** The command line or the options object is wrong. */
export class UsageError extends TrajkitError {
  constructor(message: string) {
    super('TK_USAGE', message, { exitCode: 2 });
  }
}

/** A path cannot be read (missing, permission, not a supported format). */
export class InputError extends TrajkitError {
  readonly file: string;
  constructor(file: string, message: string, cause?: unknown) {
    super('TK_INPUT', `${file}: ${message}`, { exitCode: 2, cause });
    this.file = file;
  }
}

/** A record at a known place could not be read or converted, and the caller asked to stop. */
export class RecordError extends TrajkitError {
  readonly file: string;
  readonly line: number | undefined;
  readonly path: string;
  constructor(where: { file: string; line?: number; path?: string }, message: string) {
    const at = [where.file, where.line].filter((p) => p !== undefined).join(':');
    super('TK_INVALID_RECORD', `${at}${where.path ? ` ${where.path}` : ''}: ${message}`, { exitCode: 1 });
    this.file = where.file;
    this.line = where.line;
    this.path = where.path ?? '';
  }
}
