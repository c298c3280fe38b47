/**
 * Replaces lone UTF-16 surrogates in every string of a JSON value (in place) with U+FFFD and
 * returns the dot paths it changed. JSON text can hold them (`"\ud800"`), JavaScript strings
 * too, but UTF-8 cannot, so DuckDB refuses them: Parquet output needs this, JSON output does not.
 */
// With the `u` flag a paired surrogate is one astral code point, so only lone halves match.
const LONE = /\p{Cs}/u;
const LONE_ALL = /\p{Cs}/gu;
const isWellFormed = (text: string) => !LONE.test(text);
const toWellFormed = (text: string) => text.replace(LONE_ALL, '\ufffd');

export function replaceLoneSurrogates(value: unknown, path = ''): string[] {
  const changed: string[] = [];
  walk(value, path, changed);
  return changed;
}

function walk(value: unknown, path: string, changed: string[]): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === 'string') {
        if (!isWellFormed(item)) {
          value[i] = toWellFormed(item);
          changed.push(`${path}[${i}]`);
        }
      } else if (item !== null && typeof item === 'object') walk(item, `${path}[${i}]`, changed);
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const item = object[key];
    const at = path ? `${path}.${key}` : key;
    if (typeof item === 'string') {
      if (!isWellFormed(item)) {
        object[key] = toWellFormed(item);
        changed.push(at);
      }
    } else if (item !== null && typeof item === 'object') walk(item, at, changed);
  }
}
