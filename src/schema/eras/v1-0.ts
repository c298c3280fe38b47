import { z } from 'zod';
import { ADP_ERAS } from '../adp-eras.js';
import { schemaVersionField, StringDetails } from '../adp-root.js';
import { buildContentItems, legacyActionBase, legacyObservationBase, ObservationSource } from '../content-items.js';
import { defineEraModel } from '../era-model.js';

/**
 * ADP 1.0.0: unversioned ADP plus `schema_version`. Content items of 1.0.0–1.2.0 share these
 * schemas: unknown item keys ignored, no tool_call_id yet.
 */
export const ContentItemsV1_0 = buildContentItems({
  idSuffix: 'V1_0',
  unknownKeys: 'ignore',
  actionBase: legacyActionBase,
  messageActionBase: legacyActionBase,
  observationBase: legacyObservationBase,
  source: ObservationSource,
  linkedResultSourceRule: false,
});

const structure = z.looseObject({
  schema_version: schemaVersionField(['1.0.0'], 'ADP 1.0.0'),
  id: z.string(),
  content: z.array(ContentItemsV1_0.ContentItem),
  details: StringDetails.optional(),
});

/** The 1.0.0 era's models. */
export const AdpV1_0Era = defineEraModel(ADP_ERAS['adp@1.0.0'], structure, ContentItemsV1_0.ContentItem, {
  id: 'AdpTrajectoryV1_0',
  description: 'An ADP 1.0.0 trajectory (details string → string; unknown root keys ignored).',
});

/** An ADP 1.0.0 trajectory. */
export const AdpTrajectoryV1_0 = AdpV1_0Era.model;
export type AdpTrajectoryV1_0 = z.infer<typeof AdpTrajectoryV1_0>;
/** A content item of ADP 1.0.0–1.2.0. */
export type ContentItemV1_0 = z.infer<typeof ContentItemsV1_0.ContentItem>;
