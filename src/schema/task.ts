import { z } from 'zod';

/**
 * What was asked, and its reference material. Replaces `details.task_description`,
 * `question`, `problem_statement`, `title`, `domain`, `target_patch`, `answer` (gold), ….
 */
export const Task = z
  .object({
    id: z.string().optional().describe('Task / instance id (instance_id).'),
    name: z.string().optional().describe('Short task name or title.'),
    instruction: z.string().optional().describe('The task as given to the agent (task_description, question, problem_statement).'),
    domain: z.string().optional(),
    subdomain: z.string().optional(),
    category: z.string().optional(),
    keywords: z.array(z.string()).optional(),
    website: z.string().optional(),
    repo: z.string().optional().describe('Repository the task is about, e.g. "django/django".'),
    gold_answer: z.unknown().optional().describe('Reference answer (details.answer when it is the gold answer).'),
    gold_patch: z.string().optional().describe('Reference patch (target_patch).'),
    solution_path: z.string().optional(),
    verification_files: z.unknown().optional(),
    config: z.string().optional().describe('Task configuration file text, e.g. task.toml.'),
    max_attempts: z.number().int().positive().optional(),
    extra: z.record(z.string(), z.unknown()).optional().describe('Task facts with no field of their own.'),
  })
  .strict()
  .meta({ id: 'Task' });

export type Task = z.infer<typeof Task>;
