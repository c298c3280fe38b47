import { z } from 'zod';
import { ADP_ERAS } from '../adp-eras.js';
import { JsonDetails, schemaVersionField, ToolNameList } from '../adp-root.js';
import { defineEraModel } from '../era-model.js';
import { ContentItemsV1_3 } from './v1-3.js';

/**
 * ADP 1.4.0: `available_apis` is renamed `available_custom_tools` (a subset of the dataset
 * metadata's custom tools, including every custom api_action.function used).
 */
const structure = z.strictObject({
  schema_version: schemaVersionField(['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.3.1', '1.3.2', '1.4.0'], 'ADP 1.4.0'),
  id: z.string(),
  content: z.array(ContentItemsV1_3.ContentItem),
  available_custom_tools: ToolNameList.nullish(),
  details: JsonDetails.optional(),
});

/** The 1.4.0 era's models. */
export const AdpV1_4Era = defineEraModel(ADP_ERAS['adp@1.4.0'], structure, ContentItemsV1_3.ContentItem, {
  id: 'AdpTrajectoryV1_4',
  description: 'An ADP 1.4.0 trajectory (available_custom_tools).',
});

/** An ADP 1.4.0 trajectory. */
export const AdpTrajectoryV1_4 = AdpV1_4Era.model;
export type AdpTrajectoryV1_4 = z.infer<typeof AdpTrajectoryV1_4>;
