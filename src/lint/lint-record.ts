import { defaultLintConfig, type LintConfig } from './config.js';
import { ATIF_ADAPTER_KEYS } from './dataset-details.js';
import { parseFieldRef, getFieldValue } from './field-path.js';
import { findFirstUserText, findSystemObservation, planDetails, type PlanFinding } from './plan-details.js';
import { lintRuleIds, type LintRuleId, type LintSeverity } from './rules.js';
import { isJsonObject, type JsonObject } from './is-json-object.js';

/** One lint finding in one record. */
export interface LintFinding {
  /** JSON path inside the record, e.g. `details.resolved`. */
  path: string;
  rule: LintRuleId;
  severity: LintSeverity;
  message: string;
  /** The suggested fix; `trajkit lint --fix` applies it when `fixable`. */
  fix?: string;
  /** True when `trajkit lint --fix` / `trajkit migrate` repairs it. */
  fixable: boolean;
}

export interface LintRecordOptions {
  /** Rules, mappings and limits; default: the built-in defaults. */
  config?: LintConfig;
}


/**
 * Lints one record's metadata. Pure and non-throwing: any JSON value is accepted (structure is
 * `validate`'s job; a non-object simply has nothing to lint).
 *
 * ADP records (any era, 1.6.0 included): the details map (promoted keys, stringified values,
 * duplicate or conflicting concepts, system prompt in two places, blobs), plus, in 1.6.0, the
 * `details_origin` receipts. ATIF records: the value rules on `extra.adp_details` (where ADP's
 * details rules apply), on the other dataset keys of root `extra`, and on `extra.raw` (a verbatim
 * dump of the source record: reported at most as warnings).
 */
export function lintRecord(record: unknown, options: LintRecordOptions = {}): LintFinding[] {
  const config = options.config ?? defaultLintConfig;
  if (!isJsonObject(record)) return [];
  const findings: LintFinding[] = [];
  const add = (list: PlanFinding[], cap?: LintSeverity) => {
    for (const f of list) {
      const setting = config.rules[f.rule];
      if (setting === 'off') continue;
      const severity: LintSeverity = cap === 'warn' ? 'warn' : setting;
      findings.push({ path: f.path, rule: f.rule, severity, message: f.message, fix: f.fix, fixable: f.fixed });
    }
  };

  if (typeof record.schema_version === 'string' && record.schema_version.startsWith('ATIF-')) {
    const extra = record.extra;
    if (!isJsonObject(extra)) return findings;
    if (isJsonObject(extra.adp_details)) {
      add(planDetails(record, { config, mode: 'values', fixable: true, details: extra.adp_details, basePath: ['extra', 'adp_details'] }).findings);
    }
    // Root extra becomes details on import only when there is no adp_details.
    const own: JsonObject = {};
    for (const key of Object.keys(extra)) if (!ATIF_ADAPTER_KEYS.has(key) && key !== 'raw') own[key] = extra[key];
    add(planDetails(record, { config, mode: 'values', fixable: !isJsonObject(extra.adp_details), details: own, basePath: ['extra'] }).findings);
    if (isJsonObject(extra.raw)) {
      add(planDetails(record, { config, mode: 'values', fixable: false, details: extra.raw, basePath: ['extra', 'raw'] }).findings, 'warn');
    }
    return findings;
  }

  add(sortByKey(planDetails(record, { config }).findings, isJsonObject(record.details) ? Object.keys(record.details) : []));
  if (Array.isArray(record.details_origin)) add(checkDetailsOrigin(record));
  if (Array.isArray(record.content) && !(isJsonObject(record.details) && 'system_prompt' in record.details)) {
    add(checkContentSystemPrompt(record.content));
  }
  return findings;
}

/** Findings grouped by key in details order, each key's findings in rule-registry order. */
function sortByKey(list: PlanFinding[], keys: string[]): PlanFinding[] {
  if (list.length < 2) return list;
  const position = new Map(keys.map((k, i) => [k, i]));
  const at = (f: PlanFinding) => position.get(f.key) ?? keys.length;
  return [...list].sort((a, b) => at(a) - at(b) || lintRuleIds.indexOf(a.rule) - lintRuleIds.indexOf(b.rule));
}

/** The `details-origin` rule: every receipt must let down-conversion restore its key exactly. */
function checkDetailsOrigin(record: JsonObject): PlanFinding[] {
  const out: PlanFinding[] = [];
  const origins = record.details_origin as unknown[];
  const details = isJsonObject(record.details) ? record.details : {};
  const seen = new Map<string, number>();
  origins.forEach((origin, i) => {
    const path = `details_origin[${i}]`;
    const problem = (message: string, key = '') =>
      out.push({ path, key, rule: 'details-origin', fixed: false, message: `${path}: ${message}`, fix: 'restore the key from a 1.5.0 copy and migrate again' });
    if (!isJsonObject(origin) || typeof origin.key !== 'string' || typeof origin.field !== 'string') {
      problem('expected {key, field, raw?}');
      return;
    }
    const { key, field } = origin;
    const ref = parseFieldRef(field);
    if (!ref) {
      problem(`field "${field}" is not a path trajkit can restore from`, key);
      return;
    }
    const first = seen.get(key);
    if (first !== undefined) problem(`key "${key}" was already restored by details_origin[${first}]`, key);
    else seen.set(key, i);
    if (ref.type !== 'details' && Object.hasOwn(details, key)) {
      problem(`key "${key}" is still in details, so down-conversion would overwrite it`, key);
    }
    if (!('raw' in origin) && getFieldValue(record, ref) === undefined) {
      problem(`${field} is missing and no raw value was kept, so "${key}" cannot be restored`, key);
    }
  });
  return out;
}

/** A system observation whose text the first user observation repeats: shown twice by renderers. */
function checkContentSystemPrompt(content: unknown[]): PlanFinding[] {
  const system = findSystemObservation(content);
  if (!system || system.text.trim() === '') return [];
  const user = findFirstUserText(content);
  if (!user || !user.text.includes(system.text.trim())) return [];
  const path = `content[${user.index}].content`;
  return [
    {
      path,
      key: '',
      rule: 'system-prompt-duplicated',
      fixed: false,
      message: `${path} repeats the system prompt of content[${system.index}]; one place is fine, not both`,
      fix: `remove the prompt text from content[${user.index}]`,
    },
  ];
}

/** Counts findings by severity. */
export function countSeverities(findings: readonly LintFinding[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const f of findings) if (f.severity === 'error') errors++;
  return { errors, warnings: findings.length - errors };
}
