import { z } from 'zod';

/**
 * A model call made *around* the agent's interaction (a judge, a reflect step, skill
 * generation): not part of `content`, but needed to audit or replay a pipeline.
 */
export const LlmCall = z
  .object({
    purpose: z.string().min(1).describe('What the call was for, e.g. "reflect", "skill_generation", "judge".'),
    model: z.string().optional(),
    system_prompt: z.string().optional(),
    user_prompt: z.string().optional(),
    response: z.string().optional(),
    input_tokens: z.number().int().nonnegative().optional(),
    output_tokens: z.number().int().nonnegative().optional(),
    latency_s: z.number().nonnegative().optional(),
    ts: z.number().optional().describe('Unix seconds when the call finished.'),
    error: z.string().optional().describe('Set when the call failed (its response then holds no answer).'),
    extra: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .meta({ id: 'LlmCall' });

export type LlmCall = z.infer<typeof LlmCall>;
