import type { z } from 'zod';

/**
 * JSON Schema keywords to add to what zod generates for a schema instance.
 *
 * zod drops refinements when it exports JSON Schema. Where a refinement *is* expressible
 * (an `if`/`then` over sibling keys), the refinement's schema registers the equivalent keywords
 * here and `toJsonSchemaDocument` merges them in, so ajv and zod reach the same verdict.
 */
const extras = new WeakMap<z.core.$ZodType, Record<string, unknown>>();

/** Registers `keywords` for `schema` (the final instance: `.meta()` and refinements clone). */
export function withJsonSchema<T extends z.core.$ZodType>(schema: T, keywords: Record<string, unknown>): T {
  extras.set(schema, { ...(extras.get(schema) ?? {}), ...keywords });
  return schema;
}

/** The keywords registered for `schema`, if any. */
export function jsonSchemaExtras(schema: z.core.$ZodType): Record<string, unknown> | undefined {
  return extras.get(schema);
}
