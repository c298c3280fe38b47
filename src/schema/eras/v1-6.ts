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
import { ContentItemsV1_3 } from './v1-3.js';
import { AdpV1_5Structure, V1_5_ACCEPTED } from './v1-5.js';

/**
 * trajkit 1.6.0 = ADP 1.5.0 + optional typed fields promoted from `details` (ADP issue #226).
 * The system prompt stays a content event (text_observation, source "environment", name
 * "system"); `details` must not hold the keys that have a home elsewhere.
 */
const structure = AdpV1_5Structure.extend({
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
export const TrajkitV1_6Era = defineEraModel(ADP_ERAS['adp@1.6.0'], structure, ContentItemsV1_3.ContentItem, {
  id: 'TrajectoryV1_6',
  description: 'A trajkit 1.6.0 trajectory: ADP 1.5.0 plus typed provenance, outcome, task, tools, artifacts, llm_calls, pdi and details_origin.',
});

/** A trajkit 1.6.0 trajectory. */
export const TrajectoryV1_6 = TrajkitV1_6Era.model;
export type TrajectoryV1_6 = z.infer<typeof TrajectoryV1_6>;
