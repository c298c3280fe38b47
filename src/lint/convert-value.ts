import { ToolSpec } from '../schema/tool-spec.js';
import { OutcomeStatus } from '../schema/outcome.js';
import type { ValueKind } from './typed-targets.js';
import { parseJson, unquote, valueShape } from './stringified.js';

/** How a value was changed on its way to a typed field. */
export type ConversionHow =
  | 'as-is'
  /** A string holding another JSON type was parsed ("True" → true, "[…]" → array). */
  | 'parsed'
  /** An extra layer of quotes was removed ("'abc'" → "abc"). */
  | 'unquoted'
  /** Comma-separated text became a list. */
  | 'split'
  /** A number or boolean was written as text, or a structure as JSON text (artifact content). */
  | 'stringified'
  /** A status label was upper-cased to the enum. */
  | 'normalised';

/** The result of fitting a details value to a typed field's type. */
export type Conversion =
  | {
      ok: true;
      /** The typed value; undefined when the value is null (the typed field stays absent). */
      value: unknown;
      /** True when the typed value is not the original one, so the original must be kept as `raw`. */
      changed: boolean;
      how: ConversionHow;
    }
  | { ok: false; reason: string };

const same = (value: unknown): Conversion => ({ ok: true, value, changed: false, how: 'as-is' });
const changed = (value: unknown, how: ConversionHow): Conversion => ({ ok: true, value, changed: true, how });
const fail = (reason: string): Conversion => ({ ok: false, reason });

/**
 * A null, or a string that says null ("None", "null"), means the typed field stays absent; the
 * receipt must then keep the original (`changed`), since there is no typed value to restore from.
 */
const NULL: Conversion = { ok: true, value: undefined, changed: true, how: 'as-is' };
const absent = (value: unknown): Conversion => (value === null ? NULL : changed(undefined, 'parsed'));

function describe(value: unknown): string {
  const shape = valueShape(value);
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
    return `the string ${shown}`;
  }
  if (shape === 'array') return 'an array';
  if (shape === 'object') return 'an object';
  return `${shape} ${JSON.stringify(value)}`;
}

/**
 * Fits a details value to a typed field of kind `kind` without losing anything: either the typed
 * value (with `changed` telling whether the original must be kept as `details_origin.raw`) or a
 * reason why it cannot be moved. Never guesses: "maybe" is not a boolean, "3.5" is not an int.
 */
export function convertValue(value: unknown, kind: ValueKind): Conversion {
  switch (kind) {
    case 'text':
      return toText(value);
    case 'system-prompt':
      return typeof value === 'string' && value.trim() !== ''
        ? same(value)
        : fail(`a system prompt must be non-empty text, found ${describe(value)}`);
    case 'int':
    case 'nonneg-int':
    case 'pos-int':
      return toInt(value, kind);
    case 'number':
      return toNumber(value);
    case 'boolean':
      return toBoolean(value);
    case 'outcome-status':
      return toStatus(value);
    case 'string-list':
      return toStringList(value, false);
    case 'keywords':
      return toStringList(value, true);
    case 'json':
      return toJson(value);
    case 'tool-specs':
      return toToolSpecs(value);
    case 'artifact':
      if (value === null) return NULL;
      return typeof value === 'string' ? same(value) : changed(JSON.stringify(value, null, 2), 'stringified');
  }
}

function toText(value: unknown): Conversion {
  if (value === null) return NULL;
  if (typeof value === 'string') {
    const inner = unquote(value);
    return inner === undefined ? same(value) : changed(inner, 'unquoted');
  }
  if (typeof value === 'number' || typeof value === 'boolean') return changed(String(value), 'stringified');
  return fail(`expected text, found ${describe(value)}`);
}

function numberFromText(value: string): number | undefined {
  const shape = valueShape(value);
  return shape === 'string:number' ? Number(value.trim()) : undefined;
}

function toNumber(value: unknown): Conversion {
  if (value === null) return NULL;
  if (typeof value === 'number') return same(value);
  if (typeof value === 'string') {
    const n = numberFromText(value);
    if (n !== undefined) return changed(n, 'parsed');
    if (valueShape(value) === 'string:null') return absent(value);
  }
  return fail(`expected a number, found ${describe(value)}`);
}

function toInt(value: unknown, kind: 'int' | 'nonneg-int' | 'pos-int'): Conversion {
  const n = toNumber(value);
  if (!n.ok || n.value === undefined) return n.ok ? n : fail(n.reason.replace('a number', 'an integer'));
  const v = n.value as number;
  const label = kind === 'int' ? 'an integer' : kind === 'pos-int' ? 'a positive integer' : 'a non-negative integer';
  if (!Number.isSafeInteger(v) || (kind === 'nonneg-int' && v < 0) || (kind === 'pos-int' && v < 1)) {
    return fail(`expected ${label}, found ${describe(value)}`);
  }
  return n;
}

function toBoolean(value: unknown): Conversion {
  if (value === null) return NULL;
  if (typeof value === 'boolean') return same(value);
  if (value === 0 || value === 1) return changed(value === 1, 'parsed');
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (t === 'true' || t === '1') return changed(true, 'parsed');
    if (t === 'false' || t === '0') return changed(false, 'parsed');
    if (t === 'none' || t === 'null') return absent(value);
  }
  return fail(`expected a boolean, found ${describe(value)}`);
}

function toStatus(value: unknown): Conversion {
  if (value === null) return NULL;
  if (typeof value === 'string') {
    const upper = value.trim().toUpperCase();
    if (OutcomeStatus.safeParse(upper).success) return upper === value ? same(value) : changed(upper, 'normalised');
  }
  return fail(`expected one of ${OutcomeStatus.options.join(', ')}, found ${describe(value)}`);
}

function toStringList(value: unknown, allowCommas: boolean): Conversion {
  if (value === null) return NULL;
  const check = (list: unknown, how: ConversionHow): Conversion => {
    if (Array.isArray(list) && list.every((x) => typeof x === 'string')) return how === 'as-is' ? same(list) : changed(list, how);
    return fail(`expected a list of strings, found ${describe(value)}`);
  };
  if (Array.isArray(value)) return check(value, 'as-is');
  if (typeof value === 'string') {
    if (valueShape(value) === 'string:array') return check(JSON.parse(value), 'parsed');
    if (allowCommas) {
      const parts = value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      return changed(parts, 'split');
    }
  }
  return fail(`expected a list of strings, found ${describe(value)}`);
}

function toJson(value: unknown): Conversion {
  if (value === null) return NULL;
  if (typeof value === 'string') {
    const shape = valueShape(value);
    if (shape === 'string:object' || shape === 'string:array') return changed(JSON.parse(value), 'parsed');
  }
  return same(value);
}

function toToolSpecs(value: unknown): Conversion {
  if (value === null) return NULL;
  let list: unknown = value;
  let how: ConversionHow = 'as-is';
  if (typeof value === 'string') {
    const parsed = parseJson(value);
    if (!parsed.ok) return fail(`tools is not valid JSON (${parsed.error})`);
    list = parsed.value;
    how = 'parsed';
  }
  if (!Array.isArray(list)) return fail(`expected a list of OpenAI function specs, found ${describe(list)}`);
  const specs: unknown[] = [];
  for (let i = 0; i < list.length; i++) {
    const spec = dropNullOptionals(list[i]);
    if (spec !== list[i] && how === 'as-is') how = 'normalised';
    const result = ToolSpec.safeParse(spec);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      return fail(`tools[${i}] is not an OpenAI function spec${where}: ${issue?.message ?? 'invalid'}`);
    }
    specs.push(spec);
  }
  list = specs;
  return how === 'as-is' ? same(list) : changed(list, how);
}

/**
 * OpenAI-style exporters write `"parameters": null` / `"description": null` for a tool without
 * them; ToolSpec leaves them out instead. Returns the same object when there is nothing to drop.
 */
function dropNullOptionals(spec: unknown): unknown {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return spec;
  const fn = (spec as Record<string, unknown>).function;
  if (typeof fn !== 'object' || fn === null || Array.isArray(fn)) return spec;
  const f = fn as Record<string, unknown>;
  if (f.parameters !== null && f.description !== null && f.strict !== null) return spec;
  const cleaned = Object.fromEntries(Object.entries(f).filter(([k, v]) => !(v === null && (k === 'parameters' || k === 'description' || k === 'strict'))));
  return { ...(spec as Record<string, unknown>), function: cleaned };
}
