import type { z } from 'zod';
import { describeValue, listOr, type RuleStamp } from './issue-text.js';
import { formatPath, type PathSegments, type RecordIssue } from './record-issue.js';

/**
 * Words zod issues for people. zod's own texts say what was wrong but not what was found;
 * here every message names both, using the record itself to look up the found value.
 */

type Issue = z.core.$ZodIssue;

/** Known hints for keys one era rejects because another era has them. */
export type KeyHint = (key: string, path: PathSegments) => string | undefined;

/** Context of one conversion. */
export interface IssueContext {
  /** The record that was parsed. */
  record: unknown;
  /** "ADP 1.3.0", "ATIF-v1.7", "dataset metadata". */
  label: string;
  /** Extra words for an unknown key, e.g. which era has it. */
  keyHint?: KeyHint;
}

const MISSING = Symbol('missing');

function lookup(record: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = record;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return MISSING;
    const key = typeof segment === 'symbol' ? segment : String(segment);
    if (!Object.hasOwn(value, key)) return MISSING;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  tuple: 'an array',
  null: 'null',
  undefined: 'nothing',
  never: 'nothing',
};

function segments(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

function stampOf(issue: Issue): RuleStamp | undefined {
  const params = (issue as { params?: { trajkit?: RuleStamp } }).params;
  return params?.trajkit;
}

/** What one union branch expected of the value itself, if the branch failed on its type. */
function branchExpectation(branch: readonly Issue[]): string | undefined {
  const top = branch.find((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
  if (!top) return undefined;
  if (top.code === 'invalid_type') return EXPECTED[top.expected] ?? top.expected;
  if (top.code === 'invalid_value') return listOr(top.values);
  return undefined;
}

function convertOne(issue: Issue, ctx: IssueContext, out: RecordIssue[]): void {
  const path = segments(issue.path);
  const at = formatPath(path);
  const push = (code: string, message: string, where = at) =>
    out.push({ path: where, code, message, severity: 'error' });
  const stamp = stampOf(issue);
  const found = lookup(ctx.record, issue.path);

  if (stamp) {
    const code = stamp.rule ?? (found === MISSING ? 'missing_key' : issue.code === 'custom' ? 'custom' : issue.code);
    push(code, issue.message);
    return;
  }

  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (found === MISSING) push('missing_key', `required key "${String(path[path.length - 1] ?? '')}" is missing (expected ${expected})`);
      else push('invalid_type', `expected ${expected}, found ${describeValue(found)}`);
      return;
    }
    case 'unrecognized_keys':
      for (const key of issue.keys) {
        const hint = ctx.keyHint?.(key, path);
        out.push({
          path: formatPath([...path, key]),
          code: 'unknown_key',
          message: `unknown key "${key}" is not allowed here in ${ctx.label}${hint ? ` (${hint})` : ''}`,
          severity: 'error',
        });
      }
      return;
    case 'invalid_union': {
      if (issue.discriminator !== undefined) {
        const options = ('options' in issue ? (issue.options ?? []) : []) as unknown[];
        const name = issue.discriminator;
        if (found === MISSING) {
          push('missing_key', `required key "${name}" is missing (expected ${listOr(options)})`);
        } else {
          const why =
            found === 'json_observation' ? '; json_observation is defined in ADP\'s source but never joined the content union' : '';
          push(name === 'class_' ? 'unknown_class' : 'invalid_value', `expected ${name} ${listOr(options)}, found ${describeValue(found)}${why}`);
        }
        return;
      }
      // Branch issues carry paths relative to the union. A value of the right kind for some
      // branch: report that branch's own problems, from the branch with the fewest. Otherwise it
      // fits no branch: list what each branch wanted.
      const fitting = issue.errors.filter((branch) => branchExpectation(branch) === undefined);
      if (fitting.length > 0) {
        const best = fitting.reduce((a, b) => (b.length < a.length ? b : a));
        for (const inner of best) convertOne({ ...inner, path: [...issue.path, ...inner.path] } as Issue, ctx, out);
        return;
      }
      const wanted = [...new Set(issue.errors.map((b) => branchExpectation(b)).filter((e) => e !== undefined))];
      push(found === MISSING ? 'missing_key' : 'invalid_type', `expected ${wanted.join(' or ')}, found ${found === MISSING ? 'nothing' : describeValue(found)}`);
      return;
    }
    case 'invalid_value': {
      const values = issue.values;
      const expected = values.length <= 12 ? `expected ${listOr(values)}` : `expected one of ${values.length} allowed values`;
      if (found === MISSING) push('missing_key', `required key "${String(path[path.length - 1] ?? '')}" is missing (${expected})`);
      else push('invalid_value', `${expected}, found ${describeValue(found)}`);
      return;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = small ? issue.minimum : issue.maximum;
      const bound = issue.exact ? 'exactly' : small ? 'at least' : 'at most';
      if (issue.origin === 'array' || issue.origin === 'set') {
        const length = Array.isArray(found) ? found.length : '?';
        push(issue.code, `expected ${bound} ${String(limit)} item${limit === 1 ? '' : 's'}, found ${length}`);
      } else if (issue.origin === 'string') {
        const length = typeof found === 'string' ? found.length : '?';
        push(issue.code, `expected ${bound} ${String(limit)} character${limit === 1 ? '' : 's'}, found ${length}`);
      } else {
        const strict = small ? issue.inclusive === false : issue.inclusive === false;
        const op = small ? (strict ? '>' : '≥') : strict ? '<' : '≤';
        push(issue.code, `expected a number ${op} ${String(limit)}, found ${describeValue(found)}`);
      }
      return;
    }
    case 'invalid_format':
      push('invalid_format', `expected ${issue.format === 'regex' ? `a string matching ${issue.pattern ?? 'the pattern'}` : `a ${issue.format} string`}, found ${describeValue(found)}`);
      return;
    case 'invalid_key': {
      const before = out.length;
      for (const inner of issue.issues) convertOne({ ...inner, path: [...issue.path, ...inner.path] } as Issue, ctx, out);
      if (out.length === before) push('invalid_key', `key ${JSON.stringify(path[path.length - 1])} is not allowed here`);
      return;
    }
    case 'not_multiple_of':
      push('not_multiple_of', `expected a multiple of ${String(issue.divisor)}, found ${describeValue(found)}`);
      return;
    default:
      push(issue.code ?? 'invalid', issue.message);
  }
}

/** Converts zod issues to trajkit issues (all errors: zod has no warnings). */
export function toRecordIssues(issues: readonly Issue[], ctx: IssueContext): RecordIssue[] {
  const out: RecordIssue[] = [];
  for (const issue of issues) convertOne(issue, ctx, out);
  return out;
}
