import { z } from 'zod';
import { ADP_ERAS, TRAJKIT_SCHEMA_VERSION } from '../adp-eras.js';
import { TrajkitDetails, schemaVersionField } from '../adp-root.js';
import { Artifact } from '../artifact.js';
import { DetailsOrigin } from '../details-origin.js';
import { defineEraModel } from '../era-model.js';
import { LlmCall } from '../llm-call.js';
import { Outcome } from '../outcome.js';
import { PdiSnapshot } from '../pdi-snapshot.js';
import { Provenance } from '../provenance.js';
import { Task } from '../task.js';
import { ToolSpec } from '../tool-spec.js';
import {
  buildContentItems,
  linkedActionBase,
  linkedMessageActionBase,
  linkedObservationBase,
  ObservationSource,
} from '../content-items.js';
import { AdpV1_5Structure, V1_5_ACCEPTED } from './v1-5.js';

/**
 * Facts about one content item that ADP has no field for (a command's exit code, a source
 * event's id, stream events with no ADP class), so importers lose nothing. ATIF has the same
 * `extra` on steps, tool calls and results; the ATIF converters carry it across.
 */
const ItemExtra = z
  .record(z.string(), z.unknown())
  .optional()
  .describe('Free-form facts about this item with no ADP field (e.g. exit_code).');

/** 1.6.0 content items: the 1.3.0+ items plus an optional `extra` map on every class. */
export const ContentItemsV1_6 = buildContentItems({
  idSuffix: 'V1_6',
  unknownKeys: 'reject',
  actionBase: { ...linkedActionBase, extra: ItemExtra },
  messageActionBase: { ...linkedMessageActionBase, extra: ItemExtra },
  observationBase: { ...linkedObservationBase, extra: ItemExtra },
  source: ObservationSource,
  linkedResultSourceRule: true,
});

/**
 * trajkit 1.6.0 = ADP 1.5.0 + optional typed fields promoted from `details` (ADP issue #226).
 * The system prompt stays a content event (text_observation, source "environment", name
 * "system"); `details` must not hold the keys that have a home elsewhere.
 */
const structure = AdpV1_5Structure.extend({
  content: z.array(ContentItemsV1_6.ContentItem),
  schema_version: schemaVersionField([...V1_5_ACCEPTED, TRAJKIT_SCHEMA_VERSION], 'trajkit 1.6.0'),
  details: TrajkitDetails.optional(),
  provenance: Provenance.optional(),
  outcome: Outcome.optional(),
  task: Task.optional(),
  tools: z.array(ToolSpec).optional().describe('Structured specs of the tools available to this instance.'),
  artifacts: z.array(Artifact).optional(),
  llm_calls: z.array(LlmCall).optional(),
  pdi: PdiSnapshot.optional(),
  details_origin: z.array(DetailsOrigin).optional(),
});

/** The trajkit 1.6.0 era's models. */
export const TrajkitV1_6Era = defineEraModel(ADP_ERAS['adp@1.6.0'], structure, ContentItemsV1_6.ContentItem, {
  id: 'TrajectoryV1_6',
  description: 'A trajkit 1.6.0 trajectory: ADP 1.5.0 plus typed provenance, outcome, task, tools, artifacts, llm_calls, pdi and details_origin.',
});

/** A trajkit 1.6.0 trajectory. */
export const TrajectoryV1_6 = TrajkitV1_6Era.model;
export type TrajectoryV1_6 = z.infer<typeof TrajectoryV1_6>;
