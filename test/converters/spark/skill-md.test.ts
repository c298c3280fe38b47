import { describe, expect, it } from 'vitest';
import { analyzeSkillMd } from '../../../converters/spark/skill-md.js';

describe('analyzeSkillMd', () => {
  it('parses the frontmatter as an opaque map and counts balanced fences', () => {
    const text = '---\nname: csv-totals\ntags: [csv, pandas]\nversion: 2\n---\n\n# CSV\n\n```python\nprint(1)\n```';
    const { metadata, problems } = analyzeSkillMd(text, 'folder');
    expect(metadata).toEqual({ frontmatter: { name: 'csv-totals', tags: ['csv', 'pandas'], version: 2 }, skill_name: 'csv-totals', fence_lines: 2 });
    expect(problems).toEqual([]);
  });

  it('falls back to the folder name when the frontmatter has no string name', () => {
    const { metadata } = analyzeSkillMd('---\ntitle: JAX basics\ncategory: jax\n---\n# JAX', 'jax-computing-basics');
    expect(metadata.skill_name).toBe('jax-computing-basics');
    expect(metadata.frontmatter).toEqual({ title: 'JAX basics', category: 'jax' });
  });

  it('flags an odd number of fence lines at the last fence (generation cut off inside a block)', () => {
    const text = '---\nname: x\n---\n# X\n\n```bash\nls\n```\n\n```python\nprint(df.sum())';
    const { metadata, problems } = analyzeSkillMd(text, 'x');
    expect(metadata).toMatchObject({ fence_lines: 3, unbalanced_fences: true });
    expect(problems).toEqual([expect.objectContaining({ code: 'skill_unbalanced_fences', line: 10 })]);
  });

  it('tolerates no frontmatter and invalid YAML', () => {
    expect(analyzeSkillMd('# Just a heading', 'task').problems.map((p) => p.code)).toEqual(['skill_no_frontmatter']);
    const bad = analyzeSkillMd('---\nname: [unclosed\n---\n# X', 'task');
    expect(bad.metadata.frontmatter).toBeNull();
    expect(bad.problems[0]).toMatchObject({ code: 'skill_frontmatter_invalid' });
    const list = analyzeSkillMd('---\n- a\n- b\n---\n# X', 'task');
    expect(list.problems[0].message).toContain('not a map');
  });

  it('marks an [LLM ERROR] dump and does not parse it', () => {
    const { metadata, problems } = analyzeSkillMd('[LLM ERROR] HTTP 502: <html>\r\n</html>', 'task');
    expect(metadata).toMatchObject({ frontmatter: null, llm_error: true, skill_name: 'task' });
    expect(problems.map((p) => p.code)).toEqual(['llm_error_text']);
  });
});
