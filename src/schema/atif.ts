import { z } from 'zod';
import { addFindings, describeValue, ruleError, ruleParams } from './issue-text.js';
import { asJsonObject } from './json-object.js';
import { withJsonSchema } from './json-schema-extras.js';
import type { RuleFinding } from './record-issue.js';

/**
 * ATIF-v1.7 as checked by ADP's strict profile (atif.md): every object rejects unknown keys,
 * steps are numbered 1…n, only agent steps carry tool calls and reasoning. Optional fields
 * accept `null` (the profile's models did); writers omit them instead.
 */

/** The only ATIF version the profile accepts. */
export const ATIF_SCHEMA_VERSION = 'ATIF-v1.7';

const Extra = z.record(z.string(), z.unknown());

/** Where an image content part points. */
export const AtifImageSource = z
  .strictObject({ media_type: z.string().nullish(), path: z.string() })
  .meta({ id: 'AtifImageSource' });

/** `{type: "text", text}` or `{type: "image", source}`, each with optional `extra`. */
export const AtifContentPart = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('text'),
      text: z.string(),
      source: AtifImageSource.nullish(),
      extra: Extra.nullish(),
    }),
    z.strictObject({
      type: z.literal('image'),
      text: z.string().nullish(),
      source: AtifImageSource,
      extra: Extra.nullish(),
    }),
  ])
  .meta({ id: 'AtifContentPart' });

/** A message or result: plain text or a list of content parts. */
export const AtifContent = z.union([z.string(), z.array(AtifContentPart)]).meta({ id: 'AtifContent' });

/** One tool call; `arguments` is always a JSON object, never a string. */
export const AtifToolCall = z
  .strictObject({
    tool_call_id: z.string(),
    function_name: z.string(),
    arguments: z
      .record(z.string(), z.unknown(), {
        error: ruleError(
          'arguments_not_object',
          (issue) => `tool-call arguments must be a JSON object, found ${describeValue(issue.input)}`,
          ['invalid_type'],
        ),
      })
      .optional(),
    extra: Extra.nullish(),
  })
  .meta({ id: 'AtifToolCall' });

/** One result in a step's observation; `source_call_id` names a tool call of the same step. */
export const AtifObservationResult = z
  .strictObject({
    source_call_id: z.string().nullish(),
    content: AtifContent,
    subagent_trajectory_ref: z.array(Extra).nullish(),
    extra: Extra.nullish(),
  })
  .meta({ id: 'AtifObservationResult' });

export const AtifObservation = z
  .strictObject({ results: z.array(AtifObservationResult).optional(), extra: Extra.nullish() })
  .meta({ id: 'AtifObservation' });

const count = z.number().int().nonnegative();

/** Per-step metrics. The cost is `cost` in the ADP profile and `cost_usd` in Harbor; both are read. */
export const AtifMetrics = z
  .strictObject({
    prompt_tokens: count.nullish(),
    completion_tokens: count.nullish(),
    cached_tokens: count.nullish(),
    cost: z.number().nullish(),
    cost_usd: z.number().nullish(),
    prompt_token_ids: z.array(z.number().int()).nullish(),
    completion_token_ids: z.array(z.number().int()).nullish(),
    logprobs: z.array(z.unknown()).nullish(),
    extra: Extra.nullish(),
  })
  .meta({ id: 'AtifMetrics' });

const AGENT_ONLY = ['tool_calls', 'reasoning_content', 'reasoning_effort'] as const;

const stepStructure = z.strictObject({
  step_id: z.number().int(),
  timestamp: z.iso
    .datetime({
      offset: true,
      error: ruleError(
        'invalid_timestamp',
        (issue) => `expected an ISO 8601 date-time with a timezone (e.g. 2026-05-01T12:00:00Z), found ${describeValue(issue.input)}`,
      ),
    })
    .nullish(),
  source: z.enum(['system', 'user', 'agent']),
  message: AtifContent.optional(),
  model_name: z.string().nullish(),
  reasoning_effort: z.union([z.string(), z.number()]).nullish().describe('A string in the ADP profile; Harbor also allows a number.'),
  reasoning_content: z.string().nullish(),
  tool_calls: z.array(AtifToolCall).nullish(),
  observation: AtifObservation.nullish(),
  metrics: AtifMetrics.nullish(),
  llm_call_count: count.nullish(),
  is_copied_context: z.boolean().nullish(),
  extra: Extra.nullish(),
});

type StepOutput = z.output<typeof stepStructure>;

function checkNonAgentStep(step: StepOutput, ctx: z.core.$RefinementCtx<StepOutput>): void {
  // Runs on broken steps too (see `when` below), so the value may not even be an object.
  if (typeof step !== 'object' || step === null) return;
  if (step.source !== 'system' && step.source !== 'user') return;
  for (const key of AGENT_ONLY) {
    const value = step[key];
    const present = key === 'tool_calls' ? Array.isArray(value) && value.length > 0 : value !== null && value !== undefined;
    if (!present) continue;
    ctx.addIssue({
      code: 'custom',
      path: [key],
      params: ruleParams('non_agent_step_field'),
      message: `a ${step.source} step cannot carry ${key}; only agent steps can`,
    });
  }
}

/** One step. Tool calls and reasoning belong to agent steps only. */
export const AtifStep = withJsonSchema(
  // `when`: also when other fields of the step are broken; the rule reads only what it checks.
  stepStructure.superRefine(checkNonAgentStep, { when: () => true }).meta({ id: 'AtifStep' }),
  {
    // The same rule for ajv: a non-agent step has no (non-empty) tool_calls and no reasoning.
    if: { required: ['source'], properties: { source: { enum: ['system', 'user'] } } },
    then: {
      properties: {
        tool_calls: { anyOf: [{ type: 'null' }, { type: 'array', maxItems: 0 }] },
        reasoning_content: { type: 'null' },
        reasoning_effort: { type: 'null' },
      },
    },
  },
);

/** Who produced the trajectory. The profile defaults `name` to "atif" and `version` to "unknown". */
export const AtifAgent = z
  .strictObject({
    name: z.string().optional(),
    version: z.string().optional(),
    model_name: z.string().nullish(),
    tool_definitions: z.array(Extra).nullish(),
    extra: Extra.nullish(),
  })
  .meta({ id: 'AtifAgent' });

/** The ATIF root without the cross-step rules: what JSON Schema can express. */
export const AtifTrajectoryStructure = z.strictObject({
  schema_version: z.literal(ATIF_SCHEMA_VERSION, {
    error: ruleError('unsupported_schema_version', (issue) =>
      issue.input === undefined
        ? `schema_version is required and must be "${ATIF_SCHEMA_VERSION}"`
        : `the ADP ATIF profile accepts only schema_version "${ATIF_SCHEMA_VERSION}", found ${describeValue(issue.input)}`,
    ),
  }),
  session_id: z.string().nullish(),
  trajectory_id: z.string().nullish(),
  agent: AtifAgent,
  steps: z.array(AtifStep).min(1, {
    error: ruleError('no_steps', () => 'an ATIF trajectory needs at least one step', ['too_small']),
  }),
  notes: z.string().nullish(),
  final_metrics: Extra.nullish().describe('Free object: Harbor totals, or the task outcome in ADP samples (e.g. {"reward": 1.0}).'),
  continued_trajectory_ref: z.string().nullish(),
  extra: Extra.nullish(),
  subagent_trajectories: z.array(Extra).nullish(),
});

/** Options of the ATIF cross-step rules. */
export interface AtifCheckOptions {
  /**
   * Harbor's rule: a result's `source_call_id` must name a tool call of its own step. An error
   * when strict; otherwise a warning (ADP's later profile tolerates partial transcripts).
   */
  strict?: boolean;
}

/** The rules across steps: sequential step ids and same-step `source_call_id` links. */
export function checkAtifRecord(record: unknown, options: AtifCheckOptions = {}): RuleFinding[] {
  const root = asJsonObject(record);
  if (!root || !Array.isArray(root.steps)) return [];
  const findings: RuleFinding[] = [];
  root.steps.forEach((value, index) => {
    const step = asJsonObject(value);
    if (!step) return;
    if (typeof step.step_id === 'number' && step.step_id !== index + 1) {
      findings.push({
        path: ['steps', index, 'step_id'],
        code: 'step_id_sequence',
        severity: 'error',
        message: `steps[${index}] has step_id ${step.step_id}, expected ${index + 1} (step ids run 1, 2, … in order)`,
      });
    }
    const calls = new Set<string>();
    if (Array.isArray(step.tool_calls)) {
      for (const call of step.tool_calls) {
        const id = asJsonObject(call)?.tool_call_id;
        if (typeof id === 'string') calls.add(id);
      }
    }
    const results = asJsonObject(step.observation)?.results;
    if (!Array.isArray(results)) return;
    results.forEach((result, r) => {
      const id = asJsonObject(result)?.source_call_id;
      if (typeof id !== 'string' || calls.has(id)) return;
      findings.push({
        path: ['steps', index, 'observation', 'results', r, 'source_call_id'],
        code: 'source_call_id_dangling',
        severity: options.strict ? 'error' : 'warning',
        message: `result ${r} of step ${index + 1} has source_call_id "${id}", but that step has no tool call with this id`,
      });
    });
  });
  return findings;
}

/** An ATIF-v1.7 trajectory under ADP's strict profile (dangling `source_call_id`s allowed). */
export const AtifTrajectory = AtifTrajectoryStructure.superRefine(
  (record, ctx) => addFindings(ctx, checkAtifRecord(record)),
  { when: () => true },
)
  .meta({ id: 'AtifTrajectory', description: 'An ATIF-v1.7 trajectory as checked by the ADP strict profile.' });

export type AtifTrajectory = z.infer<typeof AtifTrajectory>;
export type AtifStep = z.infer<typeof AtifStep>;
export type AtifToolCall = z.infer<typeof AtifToolCall>;
export type AtifObservationResult = z.infer<typeof AtifObservationResult>;
export type AtifContentPart = z.infer<typeof AtifContentPart>;
export type AtifContent = z.infer<typeof AtifContent>;
export type AtifMetrics = z.infer<typeof AtifMetrics>;
export type AtifAgent = z.infer<typeof AtifAgent>;
