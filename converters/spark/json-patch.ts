import type { JsonObject } from './types.js';

/**
 * The difference between an original JSON object and its rebuild, at the top level: keys to set
 * (with the original value) and keys to remove. Applying it to the rebuild gives the original.
 */
export interface KeyPatch {
  set?: JsonObject;
  unset?: string[];
}

/**
 * Deep equality of JSON values (key order ignored, as JSON parsers do). Not
 * `util.isDeepStrictEqual`: JSON has one zero (`-0` and `0` serialise alike), and a key whose
 * value is `undefined` is absent in JSON.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // NaN never occurs in JSON; -0 and 0 are the same JSON number.
    return false;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const oa = a as JsonObject;
  const ob = b as JsonObject;
  for (const key of Object.keys(oa)) if (oa[key] !== undefined && !jsonEqual(oa[key], ob[key])) return false;
  for (const key of Object.keys(ob)) if (ob[key] !== undefined && oa[key] === undefined) return false;
  return true;
}

/** The patch turning `rebuilt` into `original`, or undefined when they are equal. */
export function diffKeys(original: JsonObject, rebuilt: JsonObject): KeyPatch | undefined {
  let set: JsonObject | undefined;
  let unset: string[] | undefined;
  for (const key of Object.keys(original)) {
    if (!Object.hasOwn(rebuilt, key) || rebuilt[key] === undefined || !jsonEqual(original[key], rebuilt[key])) {
      (set ??= {})[key] = original[key];
    }
  }
  for (const key of Object.keys(rebuilt)) {
    if (rebuilt[key] !== undefined && !Object.hasOwn(original, key)) (unset ??= []).push(key);
  }
  if (!set && !unset) return undefined;
  return { ...(set && { set }), ...(unset && { unset }) };
}

/**
 * Applies `patch` to `rebuilt` (in place) and drops keys whose value is undefined, which a rebuild
 * uses for "the typed field was absent". Key order follows `rebuilt`, then new keys.
 */
export function applyKeys(rebuilt: JsonObject, patch: KeyPatch | undefined): JsonObject {
  if (patch?.set) Object.assign(rebuilt, patch.set);
  for (const key of patch?.unset ?? []) delete rebuilt[key];
  for (const key of Object.keys(rebuilt)) if (rebuilt[key] === undefined) delete rebuilt[key];
  return rebuilt;
}
