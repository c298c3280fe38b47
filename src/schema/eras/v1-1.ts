import { z } from 'zod';
import { ADP_ERAS, type AdpEra } from '../adp-eras.js';
import { JsonDetails, schemaVersionField, ToolNameList } from '../adp-root.js';
import { defineEraModel } from '../era-model.js';
import { ContentItemsV1_0 } from './v1-0.js';

/**
 * ADP 1.1.0: the root rejects unknown keys, `available_apis` appears and `details` takes any
 * JSON. Items are still 1.0.0's (unknown item keys ignored); writers emit `reasoning_content`
 * and `reward` as null.
 */
export function legacyStrictRoot<const V extends readonly [string, ...string[]]>(accepted: V, era: AdpEra) {
  return z.strictObject({
    schema_version: schemaVersionField(accepted, era.label),
    id: z.string(),
    content: z.array(ContentItemsV1_0.ContentItem),
    available_apis: ToolNameList.nullish(),
    details: JsonDetails.optional(),
  });
}

/** The 1.1.0 era's models. */
export const AdpV1_1Era = defineEraModel(
  ADP_ERAS['adp@1.1.0'],
  legacyStrictRoot(['1.0.0', '1.1.0'], ADP_ERAS['adp@1.1.0']),
  ContentItemsV1_0.ContentItem,
  { id: 'AdpTrajectoryV1_1', description: 'An ADP 1.1.0 trajectory (strict root, available_apis, JSON details).' },
);

/** An ADP 1.1.0 trajectory. */
export const AdpTrajectoryV1_1 = AdpV1_1Era.model;
export type AdpTrajectoryV1_1 = z.infer<typeof AdpTrajectoryV1_1>;
