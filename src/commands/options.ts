import { UsageError } from '../errors.js';

/** `--max-string-length`, shared by the commands that read records. */
export function maxStringLengthOption(effect: 'invalid' | 'unreadable') {
  return {
    type: 'number',
    default: 1024 * 1024,
    describe: `A string longer than this (characters) makes its record ${effect}; 0 = no limit`,
  } as const;
}

/** A count flag's value, checked: a whole number, 0 or more. */
export function countArg(value: number, flag: string): number {
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`--${flag} must be a whole number, 0 or more`);
  return value;
}

/** `--max-string-length` as the readers' limit (0 = no limit). */
export function stringLengthLimit(value: number): number {
  const limit = countArg(value, 'max-string-length');
  return limit === 0 ? Infinity : limit;
}
