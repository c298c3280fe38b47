import type { z } from 'zod';
import type { RuleFinding } from './record-issue.js';

/** Short human description of a JSON value, for "found …" in messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return value.length > 60 ? `the string ${JSON.stringify(value.slice(0, 57))}…` : `the string ${JSON.stringify(value)}`;
    case 'number':
      return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

/** `"a", "b" or "c"` */
export function listOr(values: readonly unknown[]): string {
  const quoted = values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v)));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** The rule stamp a trajkit error map leaves on a zod issue; see {@link ruleError}. */
export interface RuleStamp {
  rule?: string;
  custom: true;
}

type RawIssue = z.core.$ZodRawIssue;

/** `params` of a custom zod issue raised by a trajkit rule. */
export function ruleParams(rule: string): { trajkit: RuleStamp } {
  return { trajkit: { rule, custom: true } };
}

/**
 * Raises the error findings of a rule check as zod issues (warnings stay out: zod has none), so
 * a full model's `parse` judges like validateRecord.
 */
export function addFindings(ctx: z.core.$RefinementCtx<unknown>, findings: readonly RuleFinding[]): void {
  for (const finding of findings) {
    if (finding.severity !== 'error') continue;
    ctx.addIssue({ code: 'custom', path: [...finding.path], message: finding.message, params: ruleParams(finding.code) });
  }
}

/**
 * A zod `error` option that words the issue for people and stamps it with a rule code.
 *
 * zod keeps only a message from an error map, but it copies the raw issue's own keys into the
 * final issue after asking the map; so the map writes `params.trajkit` onto the raw issue and the
 * code survives to `toRecordIssues` without a side table. Returning `undefined` for an issue
 * falls back to trajkit's generic wording (`onlyFor` limits the map to some issue codes).
 */
export function ruleError(
  rule: string | undefined,
  message: (issue: RawIssue) => string,
  onlyFor?: readonly string[],
): (issue: RawIssue) => string | undefined {
  return (issue) => {
    if (onlyFor && !onlyFor.includes(issue.code ?? '')) return undefined;
    const mutable = issue as { params?: Record<string, unknown> };
    mutable.params = { ...(mutable.params ?? {}), ...(rule === undefined ? { trajkit: { custom: true } } : ruleParams(rule)) };
    return message(issue);
  };
}

/**
 * Error for a key whose value may be `null` but which must be present (ADP "req-null"):
 * says so when it is missing, instead of a bare type error.
 */
export function requiredNullableError(expected: string): (issue: RawIssue) => string | undefined {
  return ruleError(
    undefined,
    (issue) =>
      issue.input === undefined
        ? `required key is missing (expected ${expected} or null; null is allowed but the key must be present)`
        : `expected ${expected} or null, found ${describeValue(issue.input)}`,
    ['invalid_type'],
  );
}
