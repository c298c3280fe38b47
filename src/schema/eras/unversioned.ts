import { z } from 'zod';
import { ADP_ERAS } from '../adp-eras.js';
import { StringDetails } from '../adp-root.js';
import { buildContentItems, LegacyObservationSource, legacyActionBase, legacyObservationBase } from '../content-items.js';
import { defineEraModel } from '../era-model.js';

/**
 * Unversioned ADP (before `schema_version`): `id`, `content`, string-only `details`. Unknown
 * keys, at the root and on items, were ignored; old `source` spellings still occur.
 */
export const ContentItemsUnversioned = buildContentItems({
  idSuffix: 'Unversioned',
  unknownKeys: 'ignore',
  actionBase: legacyActionBase,
  messageActionBase: legacyActionBase,
  observationBase: legacyObservationBase,
  source: LegacyObservationSource,
  linkedResultSourceRule: false,
});

const structure = z.looseObject({
  id: z.string(),
  content: z.array(ContentItemsUnversioned.ContentItem),
  details: StringDetails.optional(),
});

/** The unversioned era's models. */
export const AdpUnversionedEra = defineEraModel(ADP_ERAS['adp@unversioned'], structure, ContentItemsUnversioned.ContentItem, {
  id: 'AdpTrajectoryUnversioned',
  description: 'An ADP trajectory from before schema versioning (details string → string; unknown keys ignored).',
});

/** An unversioned ADP trajectory. */
export const AdpTrajectoryUnversioned = AdpUnversionedEra.model;
export type AdpTrajectoryUnversioned = z.infer<typeof AdpTrajectoryUnversioned>;
/** A content item of an unversioned trajectory. */
export type ContentItemUnversioned = z.infer<typeof ContentItemsUnversioned.ContentItem>;
