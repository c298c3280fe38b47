import type { z } from 'zod';
import { classKeys, shapeKeys, withEraRules, type AdpEraShape } from './adp-checks.js';
import type { AdpEra } from './adp-eras.js';

/** One era's zod schemas: the structure alone, and the full model with the cross-item rules. */
export interface AdpEraModel<T extends z.ZodObject = z.ZodObject> {
  readonly era: AdpEra;
  /** Structure and per-item rules only: what JSON Schema can express. */
  readonly structure: T;
  /** `structure` plus the cross-item rules (links, available_code_languages) as zod issues. */
  readonly model: T;
  readonly shape: AdpEraShape;
}

/** Assembles an era's model from its root structure and its content-item union. */
export function defineEraModel<T extends z.ZodObject>(
  era: AdpEra,
  structure: T,
  items: z.ZodDiscriminatedUnion<z.ZodObject[]>,
  meta: { id: string; description: string },
): AdpEraModel<T> {
  const shape: AdpEraShape = { era, rootKeys: shapeKeys(structure), itemKeys: classKeys(items) };
  const model = withEraRules(structure, shape).meta(meta) as T;
  return { era, structure, model, shape };
}
