import { deleteObjectPath, getFieldValue, parseFieldRef, type FieldRef } from '../lint/field-path.js';
import { STASHABLE_FIELDS, TYPED_STASH_KEY, type TypedStash } from './typed-stash.js';
import { isJsonObject, type JsonObject } from '../lint/is-json-object.js';

/** A problem met while down-converting one record. */
export interface DowngradeProblem {
  path: string;
  message: string;
}

/** The result of {@link downgradeRecord}. */
export interface DowngradeResult {
  record: JsonObject;
  changes: string[];
  problems: DowngradeProblem[];
}

/** Root fields a 1.5.0 record may carry; the root list fields are never removed by down-conversion. */
const ROOT_ORDER = ['schema_version', 'id', 'content', 'available_custom_tools', 'available_code_languages', 'details'];

/**
 * Down-converts a trajkit 1.6.0 record to ADP 1.5.0, restoring `details` exactly from the
 * `details_origin` receipts: each receipt puts its `raw` value (or the typed value, when raw was
 * not needed) back under its original key, and the typed field, created artifact or inserted
 * system observation it points at is removed. 1.6.0 data with no 1.5.0 home (typed fields that
 * did not come from details, content items' `extra`) is kept under `details._trajkit`, which
 * up-conversion restores. Root `available_*` lists are 1.5.0 fields and always stay.
 * Pure: returns a new record.
 */
export function downgradeRecord(input: JsonObject): DowngradeResult {
  const changes: string[] = [];
  const problems: DowngradeProblem[] = [];
  const record: JsonObject = { ...input };
  const details: JsonObject = isJsonObject(input.details) ? { ...input.details } : {};
  const origins = Array.isArray(input.details_origin) ? input.details_origin : [];
  const unusable: unknown[] = [];
  const objectRefs: Extract<FieldRef, { type: 'object' }>[] = [];
  const removeContent = new Set<number>();
  const removeArtifacts = new Set<string>();
  let removeTools = false;

  origins.forEach((origin, i) => {
    const path = `details_origin[${i}]`;
    if (!isJsonObject(origin) || typeof origin.key !== 'string' || typeof origin.field !== 'string') {
      problems.push({ path, message: 'not a {key, field, raw?} receipt; kept under details._trajkit' });
      unusable.push(origin);
      return;
    }
    const ref = parseFieldRef(origin.field);
    const hasRaw = Object.hasOwn(origin, 'raw');
    const value = hasRaw ? origin.raw : ref ? getFieldValue(record, ref) : undefined;
    if (!ref || value === undefined) {
      problems.push({
        path,
        message: ref
          ? `${origin.field} is missing and no raw value was kept, so details.${origin.key} cannot be restored; receipt kept under details._trajkit`
          : `field "${origin.field}" is not a path trajkit can restore from; receipt kept under details._trajkit`,
      });
      unusable.push(origin);
      return;
    }
    details[origin.key] = value;
    switch (ref.type) {
      case 'object':
        objectRefs.push(ref);
        break;
      case 'root':
        if (ref.name === 'tools') removeTools = true;
        break;
      case 'artifact':
        if (ref.created) removeArtifacts.add(ref.name);
        break;
      case 'content':
        if (ref.created) removeContent.add(ref.index);
        break;
      case 'details':
        break;
    }
  });
  if (origins.length - unusable.length > 0) changes.push(`${origins.length - unusable.length} details key(s) restored from details_origin`);

  for (const ref of objectRefs) deleteObjectPath(record, ref.root, ref.path);
  if (removeTools) delete record.tools;
  if (removeArtifacts.size > 0 && Array.isArray(record.artifacts)) {
    const kept = record.artifacts.filter((a) => !(isJsonObject(a) && typeof a.name === 'string' && removeArtifacts.has(a.name)));
    if (kept.length > 0) record.artifacts = kept;
    else delete record.artifacts;
  }
  if (removeContent.size > 0 && Array.isArray(record.content)) {
    record.content = record.content.filter((_, i) => !removeContent.has(i));
  }
  delete record.details_origin;

  const stash: TypedStash = {};
  for (const field of STASHABLE_FIELDS) {
    if (record[field] === undefined) continue;
    stash[field] = record[field];
    delete record[field];
  }
  if (Array.isArray(record.content)) {
    let contentExtra: Record<string, unknown> | undefined;
    record.content = record.content.map((item, i) => {
      if (!isJsonObject(item) || !('extra' in item)) return item;
      contentExtra ??= {};
      contentExtra[String(i)] = item.extra;
      const { extra: _extra, ...rest } = item;
      return rest;
    });
    if (contentExtra) stash.content_extra = contentExtra;
  }
  if (unusable.length > 0) stash.details_origin = unusable;
  if (Object.keys(stash).length > 0) {
    if (Object.hasOwn(details, TYPED_STASH_KEY)) {
      problems.push({
        path: `details.${TYPED_STASH_KEY}`,
        message: `details already has a "${TYPED_STASH_KEY}" key; the 1.6.0 data with no 1.5.0 home (${Object.keys(stash).join(', ')}) could not be kept, so the record was not down-converted`,
      });
      return { record: input, changes: [], problems };
    }
    details[TYPED_STASH_KEY] = stash;
    changes.push(`${Object.keys(stash).join(', ')} kept under details.${TYPED_STASH_KEY} (no 1.5.0 home)`);
  }
  record.details = details;
  record.schema_version = '1.5.0';
  return { record: orderRoot(record), changes, problems };
}

/** Root keys in the order ADP sample files use (key order is not meaningful, but diffs read better). */
export function orderRoot(record: JsonObject, order: readonly string[] = ROOT_ORDER): JsonObject {
  const out: JsonObject = {};
  for (const key of order) if (key in record) out[key] = record[key];
  for (const key of Object.keys(record)) if (!(key in out)) out[key] = record[key];
  return out;
}
