import type { DetailsOrigin } from '../schema/details-origin.js';
import type { Artifact } from '../schema/artifact.js';
import { parseFieldRef, setObjectPath } from '../lint/field-path.js';
import type { DetailsPlan } from '../lint/plan-details.js';
import { isJsonObject, type JsonObject } from '../lint/is-json-object.js';

/**
 * Carries out a details plan on `record` (which the caller owns: a fresh copy), adding one
 * `details_origin` receipt per moved key, with `raw` when the typed value differs from the
 * original. Returns the same object.
 */
export function applyDetailsPlan(record: JsonObject, plan: DetailsPlan): JsonObject {
  if (plan.moves.length === 0) return record;
  const details: JsonObject = isJsonObject(record.details) ? { ...record.details } : {};
  const origins: DetailsOrigin[] = Array.isArray(record.details_origin) ? [...(record.details_origin as DetailsOrigin[])] : [];

  for (const move of plan.moves) {
    const ref = parseFieldRef(move.field);
    if (move.action === 'in-place') {
      details[move.key] = move.value;
    } else {
      delete details[move.key];
    }
    if (move.value !== undefined && ref) {
      if (move.action === 'set' && ref.type === 'object') setObjectPath(record, ref.root, ref.path, move.value);
      else if (move.action === 'set' && ref.type === 'root') record[ref.name] = move.value;
      else if (move.action === 'artifact') {
        const artifact: Artifact = { name: move.key, kind: move.target.artifactKind ?? 'other' };
        const mediaType = typeof move.original === 'string' ? move.target.mediaType : 'application/json';
        if (mediaType) artifact.media_type = mediaType;
        artifact.content = move.value as string;
        record.artifacts = [...(Array.isArray(record.artifacts) ? record.artifacts : []), artifact];
      } else if (move.action === 'system-prompt') {
        const content = Array.isArray(record.content) ? record.content : [];
        record.content = [{ class_: 'text_observation', content: move.value, name: 'system', source: 'environment' }, ...content];
        // Receipts written earlier that point into content now point one item further.
        for (let i = 0; i < origins.length; i++) origins[i] = shiftContentRef(origins[i]);
      }
    }
    const origin: DetailsOrigin = { key: move.key, field: move.field };
    if (move.changed) origin.raw = move.original;
    origins.push(origin);
  }
  record.details = details;
  record.details_origin = origins;
  return record;
}

function shiftContentRef(origin: DetailsOrigin): DetailsOrigin {
  const match = /^content\[(\d+)\](.*)$/.exec(origin.field);
  return match ? { ...origin, field: `content[${Number(match[1]) + 1}]${match[2]}` } : origin;
}
