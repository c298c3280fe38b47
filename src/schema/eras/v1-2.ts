import type { z } from 'zod';
import { ADP_ERAS } from '../adp-eras.js';
import { defineEraModel } from '../era-model.js';
import { ContentItemsV1_0 } from './v1-0.js';
import { legacyStrictRoot } from './v1-1.js';

/**
 * ADP 1.2.0: the shape of 1.1.0 (the strict root was documented here); accepts 1.0.0–1.2.0.
 */
export const AdpV1_2Era = defineEraModel(
  ADP_ERAS['adp@1.2.0'],
  legacyStrictRoot(['1.0.0', '1.1.0', '1.2.0'], ADP_ERAS['adp@1.2.0']),
  ContentItemsV1_0.ContentItem,
  { id: 'AdpTrajectoryV1_2', description: 'An ADP 1.2.0 trajectory (strict root, available_apis, JSON details).' },
);

/** An ADP 1.2.0 trajectory. */
export const AdpTrajectoryV1_2 = AdpV1_2Era.model;
export type AdpTrajectoryV1_2 = z.infer<typeof AdpTrajectoryV1_2>;
