import { z } from 'zod';
import { ADP_ERAS, type AdpEra } from '../adp-eras.js';
import { JsonDetails, schemaVersionField, ToolNameList } from '../adp-root.js';
import {
  buildContentItems,
  linkedActionBase,
  linkedMessageActionBase,
  linkedObservationBase,
  ObservationSource,
} from '../content-items.js';
import { defineEraModel } from '../era-model.js';

/**
 * ADP 1.3.0 (and its patches 1.3.1, 1.3.2): `tool_call_id` on actions and observations with
 * the link rules, content items reject unknown keys, null base fields are omitted. These item
 * schemas serve every later era.
 */
export const ContentItemsV1_3 = buildContentItems({
  idSuffix: 'V1_3',
  unknownKeys: 'reject',
  actionBase: linkedActionBase,
  messageActionBase: linkedMessageActionBase,
  observationBase: linkedObservationBase,
  source: ObservationSource,
  linkedResultSourceRule: true,
});

function root<const V extends readonly [string, ...string[]]>(accepted: V, era: AdpEra) {
  return z.strictObject({
    schema_version: schemaVersionField(accepted, era.label),
    id: z.string(),
    content: z.array(ContentItemsV1_3.ContentItem),
    available_apis: ToolNameList.nullish(),
    details: JsonDetails.optional(),
  });
}

const description = (v: string) => `An ADP ${v} trajectory (tool_call_id links, strict content items).`;

/** The 1.3.0 era's models. */
export const AdpV1_3Era = defineEraModel(
  ADP_ERAS['adp@1.3.0'],
  root(['1.0.0', '1.1.0', '1.2.0', '1.3.0'], ADP_ERAS['adp@1.3.0']),
  ContentItemsV1_3.ContentItem,
  { id: 'AdpTrajectoryV1_3', description: description('1.3.0') },
);
/** The 1.3.1 patch's models (same rules; accepts 1.3.1). */
export const AdpV1_3_1Era = defineEraModel(
  ADP_ERAS['adp@1.3.1'],
  root(['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.3.1'], ADP_ERAS['adp@1.3.1']),
  ContentItemsV1_3.ContentItem,
  { id: 'AdpTrajectoryV1_3_1', description: description('1.3.1') },
);
/** The 1.3.2 patch's models (same rules; accepts 1.3.2). */
export const AdpV1_3_2Era = defineEraModel(
  ADP_ERAS['adp@1.3.2'],
  root(['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.3.1', '1.3.2'], ADP_ERAS['adp@1.3.2']),
  ContentItemsV1_3.ContentItem,
  { id: 'AdpTrajectoryV1_3_2', description: description('1.3.2') },
);

/** An ADP 1.3.x trajectory. */
export const AdpTrajectoryV1_3 = AdpV1_3Era.model;
export const AdpTrajectoryV1_3_1 = AdpV1_3_1Era.model;
export const AdpTrajectoryV1_3_2 = AdpV1_3_2Era.model;
export type AdpTrajectoryV1_3 = z.infer<typeof AdpTrajectoryV1_3>;

/** Content items from ADP 1.3.0 on (also 1.4.0, 1.5.0 and trajkit 1.6.0). */
export const ApiAction = ContentItemsV1_3.ApiAction;
export const CodeAction = ContentItemsV1_3.CodeAction;
export const MessageAction = ContentItemsV1_3.MessageAction;
export const TextObservation = ContentItemsV1_3.TextObservation;
export const ImageObservation = ContentItemsV1_3.ImageObservation;
export const WebObservation = ContentItemsV1_3.WebObservation;
export const ContentItem = ContentItemsV1_3.ContentItem;
export type ApiAction = z.infer<typeof ApiAction>;
export type CodeAction = z.infer<typeof CodeAction>;
export type MessageAction = z.infer<typeof MessageAction>;
export type TextObservation = z.infer<typeof TextObservation>;
export type ImageObservation = z.infer<typeof ImageObservation>;
export type WebObservation = z.infer<typeof WebObservation>;
export type ContentItem = z.infer<typeof ContentItem>;
