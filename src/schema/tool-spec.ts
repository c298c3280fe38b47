import { z } from 'zod';

/** JSON Schema object describing a function's parameters (kept as-is). */
export const ToolParameters = z.record(z.string(), z.unknown()).meta({ id: 'ToolParameters' });

/** An OpenAI-style function tool spec: `{type: "function", function: {name, description?, parameters}}`. */
export const ToolSpec = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        name: z.string().min(1),
        description: z.string().optional(),
        parameters: ToolParameters.optional(),
        strict: z.boolean().optional(),
      })
      .strict(),
  })
  .strict()
  .meta({ id: 'ToolSpec' });

export type ToolSpec = z.infer<typeof ToolSpec>;
