import { z } from 'zod';

/** The PDI similarity back-end (SPARK §6.3). */
export const PdiMethod = z.enum(['token_overlap', 'js_divergence']).meta({ id: 'PdiMethod' });

/**
 * SPARK's Posterior Distillation Index for one reflect step of a task, as recorded (rounded to
 * 4 dp) or recomputed. Lives on the trajectory of the attempt whose reflect produced it.
 */
export const PdiSnapshot = z
  .object({
    step: z.number().int().describe('Archived-memo count (legacy writers: one less; see docs/pdi.md).'),
    proxy_exec: z.number(),
    proxy_plan: z.number(),
    proxy_oss: z.number(),
    raw_pdi: z.number(),
    weight: z.number(),
    weighted_pdi: z.number(),
    triggered: z.boolean(),
    level: z.enum(['soft', 'strong']).nullable(),
    method: PdiMethod.optional(),
    method_inferred: z.boolean().optional().describe('True when the method was not recorded but inferred.'),
    warmup: z.number().optional(),
    threshold: z.number().optional(),
    ts: z.number().optional(),
  })
  .strict()
  .meta({ id: 'PdiSnapshot' });

export type PdiSnapshot = z.infer<typeof PdiSnapshot>;
export type PdiMethod = z.infer<typeof PdiMethod>;

/** A snapshot's values (step, proxies, combination, trigger) without its settings or time. */
export type PdiSnapshotValues = Pick<
  PdiSnapshot,
  'step' | 'proxy_exec' | 'proxy_plan' | 'proxy_oss' | 'raw_pdi' | 'weight' | 'weighted_pdi' | 'triggered' | 'level'
>;
