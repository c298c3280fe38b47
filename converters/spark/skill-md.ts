import { parse as parseYaml } from 'yaml';

/** What {@link analyzeSkillMd} found in a `SKILL.md`. */
export interface SkillMdAnalysis {
  /** The artifact metadata (docs/spark.md "SKILL.md"). */
  metadata: {
    frontmatter: Record<string, unknown> | null;
    skill_name: string;
    fence_lines: number;
    unbalanced_fences?: true;
    llm_error?: true;
  };
  /** Problems, each with the 1-based line it is on. */
  problems: { code: 'skill_unbalanced_fences' | 'skill_no_frontmatter' | 'skill_frontmatter_invalid' | 'llm_error_text'; line: number; message: string }[];
}

/** SPARK writes this prefix instead of an answer when an LLM call failed (spec §9.4). */
export const LLM_ERROR_PREFIX = '[LLM ERROR]';

const FRONTMATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const FENCE = /^[ \t]*```/;

/**
 * Reads the structure of a distilled `SKILL.md` without trusting it: YAML frontmatter as an
 * opaque map (free-form keys, spec §8), the number of code-fence lines (odd = a generation cut
 * off inside a block, or a closing fence eaten by SPARK's stripper), and `[LLM ERROR]` dumps.
 * `fallbackName` (the task folder) names a skill whose frontmatter has no string `name`.
 */
export function analyzeSkillMd(text: string, fallbackName: string): SkillMdAnalysis {
  const problems: SkillMdAnalysis['problems'] = [];
  let frontmatter: Record<string, unknown> | null = null;
  const llmError = text.startsWith(LLM_ERROR_PREFIX);

  if (llmError) {
    problems.push({ code: 'llm_error_text', line: 1, message: 'SKILL.md is an [LLM ERROR] dump, not a skill' });
  } else {
    const match = FRONTMATTER.exec(text);
    if (!match) {
      problems.push({ code: 'skill_no_frontmatter', line: 1, message: 'SKILL.md has no YAML frontmatter (--- … ---)' });
    } else {
      try {
        const value: unknown = parseYaml(match[1]);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          frontmatter = value as Record<string, unknown>;
        } else if (value !== null && value !== undefined) {
          problems.push({ code: 'skill_frontmatter_invalid', line: 2, message: `SKILL.md frontmatter is not a map (${Array.isArray(value) ? 'a list' : typeof value})` });
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        const at = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
        problems.push({ code: 'skill_frontmatter_invalid', line: 1 + (at ?? 1), message: `SKILL.md frontmatter is not valid YAML: ${reason}` });
      }
    }
  }

  let fenceLines = 0;
  let lastFence = 0;
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    if (FENCE.test(line)) {
      fenceLines++;
      lastFence = lineNumber;
    }
  }
  const unbalanced = fenceLines % 2 === 1;
  if (unbalanced) {
    problems.push({
      code: 'skill_unbalanced_fences',
      line: lastFence,
      message: `SKILL.md has ${fenceLines} code-fence lines (odd): a code block is cut off or lost its closing fence; kept as is`,
    });
  }

  const name = frontmatter?.name;
  return {
    metadata: {
      frontmatter,
      skill_name: typeof name === 'string' && name !== '' ? name : fallbackName,
      fence_lines: fenceLines,
      ...(unbalanced && { unbalanced_fences: true as const }),
      ...(llmError && { llm_error: true as const }),
    },
    problems,
  };
}
