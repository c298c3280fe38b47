/**
 * What a JSON value looks like, with strings that encode another JSON type told apart:
 * `"True"` is `string:boolean`, `"1.0"` is `string:number`, `'[{"type": …}]'` is `string:array`,
 * `"'human'"` (a Python repr) is `string:quoted`. Used by the lint rules and by `--stats`.
 */
export type ValueShape =
  | 'null'
  | 'boolean'
  | 'number'
  | 'string'
  | 'object'
  | 'array'
  | 'string:number'
  | 'string:boolean'
  | 'string:null'
  | 'string:object'
  | 'string:array'
  | 'string:quoted';

const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN_TEXT = /^(?:true|false)$/i;
const NULL_TEXT = /^(?:null|none)$/i;

/** Classifies a value (see {@link ValueShape}). Cheap on long strings unless they look like JSON. */
export function valueShape(value: unknown): ValueShape {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return stringShape(value);
    default:
      return 'object';
  }
}

function stringShape(text: string): ValueShape {
  const t = text.trim();
  if (t.length === 0) return 'string';
  // Guard the regexes with a length check: a 5 MB observation dump is never a number.
  if (t.length <= 64) {
    if (NUMBER_TEXT.test(t) && Number.isFinite(Number(t))) return 'string:number';
    if (BOOLEAN_TEXT.test(t)) return 'string:boolean';
    if (NULL_TEXT.test(t)) return 'string:null';
  }
  const first = t[0];
  const last = t[t.length - 1];
  if ((first === '{' && last === '}') || (first === '[' && last === ']')) {
    const parsed = parseJson(t);
    if (parsed.ok && parsed.value !== null && typeof parsed.value === 'object') {
      return Array.isArray(parsed.value) ? 'string:array' : 'string:object';
    }
  }
  if (unquote(text) !== undefined) return 'string:quoted';
  return 'string';
}

/** JSON.parse without throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

const PY_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };

/**
 * The string inside one extra layer of quotes, or undefined when `text` is not quoted that way.
 * Understands a JSON-encoded string (`"\"abc\""`) and a Python `repr` of a str (`"'abc'"`, with
 * the escapes repr emits). Anything ambiguous (an unknown escape, a bare inner quote) is not
 * treated as quoted: unquoting must be exact or not happen.
 */
export function unquote(text: string): string | undefined {
  if (text.length < 2) return undefined;
  const q = text[0];
  if (text[text.length - 1] !== q) return undefined;
  if (q === '"') {
    const parsed = parseJson(text);
    return parsed.ok && typeof parsed.value === 'string' ? parsed.value : undefined;
  }
  if (q !== "'") return undefined;
  let out = '';
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i];
    if (c === "'") return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = text[++i];
    if (e === undefined || i >= text.length - 1) return undefined;
    if (e in PY_ESCAPES) {
      out += PY_ESCAPES[e];
    } else if (e === 'x' || e === 'u') {
      const width = e === 'x' ? 2 : 4;
      const hex = text.slice(i + 1, i + 1 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width || i + width >= text.length - 1) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += width;
    } else {
      return undefined;
    }
  }
  return out;
}

const NUMERIC_SUFFIXES = [
  '_correct',
  '_count',
  '_index',
  '_number',
  '_percentage',
  '_percent',
  '_rate',
  '_reward',
  '_score',
  '_success',
];

/**
 * True for `details` keys that ADP's own tests required to hold JSON numbers (adp-schema.md §8):
 * `reward`, `score`, `step`, prefix `pred_passes_`, and the suffixes `_correct`, `_count`, ….
 */
export function adpRequiresNumber(key: string): boolean {
  if (key === 'reward' || key === 'score' || key === 'step') return true;
  if (key.startsWith('pred_passes_')) return true;
  return NUMERIC_SUFFIXES.some((suffix) => key.endsWith(suffix));
}

/**
 * True when `value` serialises to more than `limit` bytes. Walks the value and stops as soon as
 * the limit is passed, so a small details map costs almost nothing.
 */
export function exceedsBytes(value: unknown, limit: number): boolean {
  let budget = limit;
  const visit = (v: unknown): boolean => {
    if (typeof v === 'string') {
      // UTF-16 length is a lower bound of the UTF-8 size: skip the byte count when it already says yes.
      budget -= v.length > budget ? v.length : Buffer.byteLength(v, 'utf8');
      return budget < 0;
    }
    if (v === null || typeof v !== 'object') {
      budget -= v === undefined ? 0 : String(v).length;
      return budget < 0;
    }
    if (Array.isArray(v)) {
      for (const item of v) if (visit(item)) return true;
      budget -= v.length + 1;
      return budget < 0;
    }
    for (const [k, item] of Object.entries(v)) {
      budget -= k.length + 4;
      if (visit(item)) return true;
    }
    return budget < 0;
  };
  return visit(value);
}

/** Size of a value in bytes as compact JSON (strings: UTF-8 length of the text itself). */
export function jsonByteSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}
