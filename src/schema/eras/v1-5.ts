import { z } from 'zod';
import { ADP_ERAS } from '../adp-eras.js';
import { CodeLanguageList, JsonDetails, schemaVersionField, ToolNameList } from '../adp-root.js';
import { defineEraModel } from '../era-model.js';
import { ContentItemsV1_3 } from './v1-3.js';

/** Every schema_version ADP 1.5.0 accepted. */
export const V1_5_ACCEPTED = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.3.1', '1.3.2', '1.4.0', '1.5.0'] as const;

/**
 * ADP 1.5.0, the last legacy version: `available_code_languages`, which must equal the set of
 * code_action languages used.
 */
export const AdpV1_5Structure = z.strictObject({
  schema_version: schemaVersionField(V1_5_ACCEPTED, 'ADP 1.5.0'),
  id: z.string(),
  content: z.array(ContentItemsV1_3.ContentItem),
  available_custom_tools: ToolNameList.nullish(),
  available_code_languages: CodeLanguageList.nullish(),
  details: JsonDetails.optional(),
});

/** The 1.5.0 era's models. */
export const AdpV1_5Era = defineEraModel(ADP_ERAS['adp@1.5.0'], AdpV1_5Structure, ContentItemsV1_3.ContentItem, {
  id: 'AdpTrajectoryV1_5',
  description: 'An ADP 1.5.0 trajectory (available_code_languages); the last upstream legacy version.',
});

/** An ADP 1.5.0 trajectory. */
export const AdpTrajectoryV1_5 = AdpV1_5Era.model;
export type AdpTrajectoryV1_5 = z.infer<typeof AdpTrajectoryV1_5>;
