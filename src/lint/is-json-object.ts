import { asJsonObject, type JsonObject } from '../schema/json-object.js';

export type { JsonObject };

/** Type guard form of the schema's `asJsonObject`: true for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return asJsonObject(value) !== undefined;
}
