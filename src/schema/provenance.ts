import { z } from 'zod';

/** Who produced the trajectory: the agent harness and the model behind it. */
export const AgentInfo = z
  .object({
    name: z.string().optional().describe('Agent or harness name, e.g. "codex", "openhands".'),
    version: z.string().optional(),
    model: z.string().optional().describe('Model identifier, e.g. "gpt-5-codex".'),
    extra: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .meta({ id: 'AgentInfo' });

/**
 * Where a record came from (ADP issue #226: source, config, split, upstream id, source file,
 * row index, created-at, path/URL). Replaces `details.source`, `dataset_source`, `split`, ….
 */
export const Provenance = z
  .object({
    source: z.string().optional().describe('Upstream dataset, e.g. "EtaYang10th/SPARK_PDI_Trajectory" or "swe-gym".'),
    config: z.string().optional().describe('Dataset config / subset name.'),
    split: z.string().optional().describe('Dataset split, e.g. "train".'),
    revision: z.string().optional().describe('Revision (commit sha, tag) of the upstream dataset, when known.'),
    upstream_id: z.string().optional().describe('Id of the record in the upstream dataset (source_id, source_qid, row_id).'),
    row_index: z.number().int().optional().describe('0-based row index in the upstream dataset or file.'),
    source_file: z.string().optional().describe('File the record was read from, relative to the dataset root.'),
    line: z.number().int().optional().describe('1-based line in source_file, for line-oriented sources.'),
    url: z.string().optional().describe('Path or URL of the original transcript.'),
    created_at: z.string().optional().describe('When the trajectory was produced (ISO 8601 preferred; kept verbatim).'),
    task: z.string().optional().describe('Upstream task name, for datasets organised per task.'),
    attempt: z.number().int().optional().describe('0-based attempt index, for datasets with retries of one task.'),
    agent: AgentInfo.optional(),
    extra: z.record(z.string(), z.unknown()).optional().describe('Provenance facts with no field of their own.'),
  })
  .strict()
  .meta({ id: 'Provenance' });

export type Provenance = z.infer<typeof Provenance>;
export type AgentInfo = z.infer<typeof AgentInfo>;
