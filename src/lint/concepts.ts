/** The concepts trajkit 1.6.0 gives typed homes (ADP issue #226), plus ADP's reserved root lists. */
export type Concept = 'provenance' | 'agent' | 'system-prompt' | 'outcome' | 'tools' | 'task' | 'artifacts' | 'root-list';

/** One details key the linter knows, and where it goes. */
export interface ConceptKey {
  /** The key as datasets spell it. */
  key: string;
  concept: Concept;
  /** Mapping target (see `resolveTarget`): a typed field path, a root target, or `artifacts:<kind>`. */
  target: string;
  /** `issue-226`: named in the inventory; `wild`: other keys seen with the same home; `adp`: ADP's own rule. */
  from: 'issue-226' | 'wild' | 'adp';
  /** Why this home, when it is not obvious. */
  note?: string;
}

/**
 * Every details key with a typed home, in priority order within a concept (the first spelling is
 * the canonical one). Same `target` = the same concept under different names: two of them in one
 * record must agree.
 */
export const conceptKeys: readonly ConceptKey[] = [
  // Provenance: where the record came from.
  { key: 'source', concept: 'provenance', target: 'provenance.source', from: 'issue-226' },
  { key: 'dataset_source', concept: 'provenance', target: 'provenance.source', from: 'issue-226' },
  { key: 'source_dataset', concept: 'provenance', target: 'provenance.source', from: 'issue-226' },
  { key: 'dataset', concept: 'provenance', target: 'provenance.source', from: 'issue-226' },
  { key: 'data_source', concept: 'provenance', target: 'provenance.source', from: 'issue-226' },
  { key: 'source_config', concept: 'provenance', target: 'provenance.config', from: 'issue-226' },
  { key: 'config', concept: 'provenance', target: 'provenance.config', from: 'wild' },
  { key: 'source_split', concept: 'provenance', target: 'provenance.split', from: 'issue-226' },
  { key: 'split', concept: 'provenance', target: 'provenance.split', from: 'issue-226' },
  { key: 'source_id', concept: 'provenance', target: 'provenance.upstream_id', from: 'issue-226' },
  { key: 'source_qid', concept: 'provenance', target: 'provenance.upstream_id', from: 'issue-226' },
  { key: 'row_id', concept: 'provenance', target: 'provenance.upstream_id', from: 'wild' },
  { key: 'source_index', concept: 'provenance', target: 'provenance.row_index', from: 'issue-226' },
  { key: 'row_index', concept: 'provenance', target: 'provenance.row_index', from: 'wild' },
  { key: 'source_file', concept: 'provenance', target: 'provenance.source_file', from: 'issue-226' },
  { key: 'source_field', concept: 'provenance', target: 'provenance.extra.source_field', from: 'wild', note: 'no field of its own' },
  {
    key: 'transcript_path',
    concept: 'provenance',
    target: 'provenance.url',
    from: 'issue-226',
    note: 'the issue\'s "path/URL" sub-field',
  },
  { key: 'created_at', concept: 'provenance', target: 'provenance.created_at', from: 'issue-226' },
  { key: 'timestamp', concept: 'provenance', target: 'provenance.created_at', from: 'wild', note: 'kept verbatim (text)' },
  // Agent identity, part of provenance.
  { key: 'model_name', concept: 'agent', target: 'provenance.agent.model', from: 'wild' },
  { key: 'agent', concept: 'agent', target: 'provenance.agent.name', from: 'wild' },
  { key: 'version', concept: 'agent', target: 'provenance.agent.version', from: 'wild' },
  // System prompt: a content event in 1.6.0.
  {
    key: 'system_prompt',
    concept: 'system-prompt',
    target: 'system_prompt',
    from: 'issue-226',
    note: 'becomes content[0], a text_observation with source "environment" and name "system"',
  },
  // Outcome / evaluation, at trajectory level.
  { key: 'resolved', concept: 'outcome', target: 'outcome.success', from: 'issue-226' },
  { key: 'session_success', concept: 'outcome', target: 'outcome.success', from: 'issue-226' },
  { key: 'exit_status', concept: 'outcome', target: 'outcome.exit_status', from: 'issue-226' },
  {
    key: 'status',
    concept: 'outcome',
    target: 'outcome.exit_status',
    from: 'issue-226',
    note: "the dataset's own label, verbatim; outcome.status is the normalised enum",
  },
  { key: 'reward', concept: 'outcome', target: 'outcome.reward', from: 'issue-226' },
  { key: 'score', concept: 'outcome', target: 'outcome.score', from: 'wild' },
  { key: 'feedback', concept: 'outcome', target: 'outcome.feedback', from: 'issue-226' },
  { key: 'polarity', concept: 'outcome', target: 'outcome.polarity', from: 'issue-226' },
  {
    key: 'test_result',
    concept: 'outcome',
    target: 'outcome.verifier_output',
    from: 'issue-226',
    note: 'kept verbatim as text (often a JSON report)',
  },
  {
    key: 'gen_tests_correct',
    concept: 'outcome',
    target: 'outcome.extra.gen_tests_correct',
    from: 'issue-226',
    note: 'numeric (ADP suffix rule); no field of its own',
  },
  {
    key: 'pred_passes_gen_tests',
    concept: 'outcome',
    target: 'outcome.extra.pred_passes_gen_tests',
    from: 'issue-226',
    note: 'numeric (ADP prefix rule); no field of its own',
  },
  // Structured tool specs.
  { key: 'tools', concept: 'tools', target: 'tools', from: 'issue-226', note: 'parsed from a JSON string into ToolSpec[]' },
  // ADP's reserved root lists, which its tests forbid inside details.
  { key: 'available_custom_tools', concept: 'root-list', target: 'available_custom_tools', from: 'adp' },
  { key: 'available_apis', concept: 'root-list', target: 'available_custom_tools', from: 'adp', note: 'renamed in ADP 1.4.0' },
  { key: 'available_code_languages', concept: 'root-list', target: 'available_code_languages', from: 'adp' },
  // Task: what was asked, and its reference material.
  { key: 'task_description', concept: 'task', target: 'task.instruction', from: 'issue-226' },
  { key: 'question', concept: 'task', target: 'task.instruction', from: 'issue-226' },
  { key: 'problem_statement', concept: 'task', target: 'task.instruction', from: 'issue-226' },
  {
    key: 'task',
    concept: 'task',
    target: 'task.id',
    from: 'issue-226',
    note: 'datasets use it to name the task a record belongs to (turkingbench); title is the display name',
  },
  { key: 'instance_id', concept: 'task', target: 'task.id', from: 'wild' },
  { key: 'title', concept: 'task', target: 'task.name', from: 'issue-226' },
  { key: 'keywords', concept: 'task', target: 'task.keywords', from: 'issue-226', note: 'comma-separated text becomes a list' },
  { key: 'domain', concept: 'task', target: 'task.domain', from: 'issue-226' },
  { key: 'subdomain', concept: 'task', target: 'task.subdomain', from: 'issue-226' },
  { key: 'category', concept: 'task', target: 'task.category', from: 'wild' },
  { key: 'website', concept: 'task', target: 'task.website', from: 'issue-226' },
  { key: 'repo', concept: 'task', target: 'task.repo', from: 'wild' },
  { key: 'repo_id', concept: 'task', target: 'task.repo', from: 'wild' },
  { key: 'task_toml', concept: 'task', target: 'task.config', from: 'issue-226' },
  {
    key: 'answer',
    concept: 'task',
    target: 'task.gold_answer',
    from: 'issue-226',
    note: 'when it is the agent\'s own answer, map it to "artifacts:answer" in trajkit.config.json',
  },
  { key: 'target_patch', concept: 'task', target: 'task.gold_patch', from: 'issue-226' },
  { key: 'solution_path', concept: 'task', target: 'task.solution_path', from: 'issue-226' },
  { key: 'verification_files', concept: 'task', target: 'task.verification_files', from: 'issue-226' },
  // Artifacts: what the run produced.
  { key: 'generated_patch', concept: 'artifacts', target: 'artifacts:patch', from: 'issue-226' },
  { key: 'model_patch', concept: 'artifacts', target: 'artifacts:patch', from: 'issue-226' },
  { key: 'rollout_patch', concept: 'artifacts', target: 'artifacts:patch', from: 'issue-226' },
  { key: 'eval_logs', concept: 'artifacts', target: 'artifacts:log', from: 'issue-226' },
];

/**
 * Spelling-insensitive form of a key: `datasetSource`, `Dataset-Source` and `dataset_source` all
 * become `dataset_source`, so alternate spellings of a known key are caught too.
 */
export function normalizeKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

const byNormalizedKey = new Map<string, ConceptKey>();
for (const entry of conceptKeys) byNormalizedKey.set(normalizeKey(entry.key), entry);

/** The concept entry for a details key (matching alternate spellings), or undefined. */
export function findConceptKey(key: string): ConceptKey | undefined {
  return byNormalizedKey.get(key) ?? byNormalizedKey.get(normalizeKey(key));
}

/** Priority of a key within its concept (lower = canonical); unknown keys sort last. */
export function conceptPriority(key: string): number {
  const entry = findConceptKey(key);
  return entry ? conceptKeys.indexOf(entry) : conceptKeys.length;
}
