import { z } from 'zod';

/** What kind of thing an artifact is; `other` with a descriptive `name` for the rest. */
export const ArtifactKind = z
  .enum(['patch', 'log', 'answer', 'skill', 'memo', 'prompt', 'commands', 'file', 'other'])
  .meta({ id: 'ArtifactKind' });

/**
 * Something the run produced or consumed that is not part of the interaction itself
 * (generated_patch, eval_logs, a distilled SKILL.md, an exploration memo, …). Inline `content`
 * or a `uri`; `metadata` holds parsed structure such as a SKILL.md frontmatter.
 */
export const Artifact = z
  .object({
    name: z.string().min(1).describe('Stable name within the trajectory, e.g. "memo_after", "SKILL.md".'),
    kind: ArtifactKind,
    media_type: z.string().optional().describe('e.g. "text/markdown", "text/x-diff".'),
    content: z.string().optional(),
    uri: z.string().optional().describe('Relative path or URL when the content is stored elsewhere.'),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .meta({ id: 'Artifact' });

export type Artifact = z.infer<typeof Artifact>;
export type ArtifactKind = z.infer<typeof ArtifactKind>;
