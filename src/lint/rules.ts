/** How much a rule's findings matter: `error` fails `trajkit lint` (exit 1), `warn` only reports. */
export type LintSeverity = 'error' | 'warn';

/** A rule's setting in a config file, as in ESLint. */
export type RuleSetting = LintSeverity | 'off';

/** One lint rule, described as data: the registry below feeds the CLI, the docs and the config check. */
export interface LintRuleMeta {
  /** Default severity; a config file can change it or turn the rule off. */
  severity: LintSeverity;
  /** One line for people: what the rule finds and why it matters. */
  description: string;
}

/**
 * Every rule `trajkit lint` knows, by stable id. Ids never change meaning; new rules get new ids.
 * docs/lint.md lists them with examples, and a test checks that the two agree.
 */
export const lintRules = {
  'promoted-key': {
    severity: 'error',
    description:
      'A details key belongs to a concept trajkit 1.6.0 types (ADP #226: provenance, system prompt, outcome, tools, task, artifacts); it should move to that typed field.',
  },
  'stringified-value': {
    severity: 'error',
    description:
      'A string holds a number, boolean, null, or JSON object/array where a real JSON value is expected (the typed field needs it, or the key is one ADP requires to be numeric).',
  },
  'stringified-json': {
    severity: 'warn',
    description: 'A dataset-specific details value is a JSON object or array serialised into a string; store the structure itself.',
  },
  'quoted-string': {
    severity: 'warn',
    description:
      "A string value carries an extra layer of quotes (a Python repr like 'abc' or a JSON-encoded string), left behind by a converter.",
  },
  'duplicate-concept': {
    severity: 'warn',
    description: 'Two details keys hold the same concept in one record (e.g. source and dataset_source); they agree, but one name is enough.',
  },
  'conflicting-value': {
    severity: 'error',
    description:
      'Two names for one concept disagree, or a details value disagrees with the typed field already present; nothing can move without picking a winner, so both stay.',
  },
  'unconvertible-value': {
    severity: 'error',
    description:
      "A promoted key's value cannot become its typed field's type without loss (e.g. resolved: \"maybe\", an unparseable tools string); it stays in details.",
  },
  'system-prompt-duplicated': {
    severity: 'error',
    description:
      'The system prompt is both in details.system_prompt and in the content (a system observation or the first user observation); a renderer would show it twice.',
  },
  'large-value': {
    severity: 'warn',
    description: 'A details value is larger than the configured limit (largeValueBytes); blobs belong in artifacts.',
  },
  'details-origin': {
    severity: 'error',
    description:
      'A details_origin receipt (1.6.0) does not match the record: its key is still in details, it is listed twice, or its typed field is missing; down-conversion to 1.5.0 would not be exact.',
  },
} as const satisfies Record<string, LintRuleMeta>;

/** The id of a lint rule. */
export type LintRuleId = keyof typeof lintRules;

/** All rule ids, in registry order. */
export const lintRuleIds = Object.keys(lintRules) as LintRuleId[];

/** True when `id` names a rule in the registry. */
export function isLintRuleId(id: string): id is LintRuleId {
  return Object.hasOwn(lintRules, id);
}
