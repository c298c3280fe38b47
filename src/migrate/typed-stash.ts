import { isJsonObject, type JsonObject } from '../lint/is-json-object.js';

/**
 * The details key where down-conversion keeps 1.6.0 data that has no 1.5.0 home (typed fields
 * that did not come from details, e.g. a SPARK import's `pdi`, and content items' `extra`), so
 * 1.6.0 → 1.5.0 → 1.6.0 loses nothing. Up-conversion restores it and removes the key.
 */
export const TYPED_STASH_KEY = '_trajkit';

/** Fields the stash can hold. */
export const STASHABLE_FIELDS = ['provenance', 'outcome', 'task', 'tools', 'artifacts', 'llm_calls', 'pdi'] as const;

/** What the stash holds: the fields, and content items' `extra` by item index. */
export interface TypedStash {
  provenance?: unknown;
  outcome?: unknown;
  task?: unknown;
  tools?: unknown;
  artifacts?: unknown;
  llm_calls?: unknown;
  pdi?: unknown;
  content_extra?: Record<string, unknown>;
  /** Receipts down-conversion could not use, kept so nothing is lost. */
  details_origin?: unknown[];
}

/**
 * Restores a stash found in `record.details` (a copy the caller owns): typed fields come back,
 * content items get their `extra` again, and the stash key is removed. Returns what was restored,
 * and the names of fields that could not be restored because the record already has them.
 */
export function restoreTypedStash(record: JsonObject): { restored: string[]; clashes: string[] } {
  const details = record.details;
  if (!isJsonObject(details) || !isJsonObject(details[TYPED_STASH_KEY])) return { restored: [], clashes: [] };
  const stash = details[TYPED_STASH_KEY] as TypedStash;
  const restored: string[] = [];
  // All or nothing: a half-restored stash would split one record's data across two places.
  const clashes: string[] = STASHABLE_FIELDS.filter((field) => stash[field] !== undefined && record[field] !== undefined);
  if (clashes.length > 0) return { restored, clashes };
  for (const field of STASHABLE_FIELDS) {
    if (stash[field] === undefined) continue;
    record[field] = stash[field];
    restored.push(field);
  }
  if (isJsonObject(stash.content_extra) && Array.isArray(record.content)) {
    const content = [...record.content];
    for (const [index, extra] of Object.entries(stash.content_extra)) {
      const i = Number(index);
      if (isJsonObject(content[i])) content[i] = { ...(content[i] as JsonObject), extra };
    }
    record.content = content;
    restored.push('content extra');
  }
  if (Array.isArray(stash.details_origin)) {
    record.details_origin = [...stash.details_origin, ...(Array.isArray(record.details_origin) ? record.details_origin : [])];
    restored.push('details_origin');
  }
  const rest = { ...details };
  delete rest[TYPED_STASH_KEY];
  record.details = rest;
  return { restored, clashes: [] };
}
