/** A JSON object as the rule checks read it: raw, before (or without) schema parsing. */
export type JsonObject = Record<string, unknown>;

/** The value as an object, or undefined for null, arrays and primitives. */
export function asJsonObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}
