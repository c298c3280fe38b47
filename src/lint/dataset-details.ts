import type { PathSegments } from '../schema/record-issue.js';
import { isJsonObject, type JsonObject } from './is-json-object.js';

/** Keys of an ATIF root `extra` that ADP's legacy → ATIF adapter writes (atif.md §9). */
export const ATIF_ADAPTER_KEYS: ReadonlySet<string> = new Set(['adp_schema_version', 'adp_available_apis', 'adp_details']);

/**
 * A record's dataset metadata map, whatever the format: ADP `details`; for ATIF,
 * `extra.adp_details` when present, else root `extra` without the adapter's `adp_*` keys (the
 * map `importAtifRecord` turns into `details`). Undefined when the record has none.
 */
export function datasetDetails(record: unknown): { map: JsonObject; path: PathSegments; format: 'adp' | 'atif' } | undefined {
  if (!isJsonObject(record)) return undefined;
  if (typeof record.schema_version === 'string' && record.schema_version.startsWith('ATIF-')) {
    const extra = record.extra;
    if (!isJsonObject(extra)) return undefined;
    if (isJsonObject(extra.adp_details)) return { map: extra.adp_details, path: ['extra', 'adp_details'], format: 'atif' };
    const map: JsonObject = {};
    for (const key of Object.keys(extra)) if (!ATIF_ADAPTER_KEYS.has(key)) map[key] = extra[key];
    return { map, path: ['extra'], format: 'atif' };
  }
  return isJsonObject(record.details) ? { map: record.details, path: ['details'], format: 'adp' } : undefined;
}
