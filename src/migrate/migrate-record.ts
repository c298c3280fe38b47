import { ADP_VERSIONS, TRAJKIT_SCHEMA_VERSION } from '../schema/adp-eras.js';
import { importAtifRecord } from '../../converters/atif/import.js';
import { defaultLintConfig, type LintConfig } from '../lint/config.js';
import { lintRecord, type LintFinding } from '../lint/lint-record.js';
import { planDetails } from '../lint/plan-details.js';
import { applyDetailsPlan } from './apply-details-plan.js';
import { downgradeRecord, orderRoot } from './downgrade-record.js';
import { restoreTypedStash } from './typed-stash.js';
import { upgradeToV1_5 } from './upgrade-to-v1-5.js';
import { isJsonObject, type JsonObject } from '../lint/is-json-object.js';

/** Schema versions `migrateRecord` can write. */
export const MIGRATE_TARGETS = ['1.6.0', '1.5.0'] as const;
export type MigrateTarget = (typeof MIGRATE_TARGETS)[number];

export interface MigrateOptions {
  /** Target schema version; default 1.6.0. */
  to?: MigrateTarget;
  /** Rules and key mappings (a rule that is off is not fixed either); default: built-in defaults. */
  config?: LintConfig;
}

/** A problem that stopped or degraded the migration of one record. */
export interface MigrateProblem {
  path: string;
  message: string;
}

/** The result of migrating one record. */
export interface MigrateResult {
  /** The migrated record; absent when the record could not be migrated (see `problems`). */
  record?: JsonObject;
  /** What the input was: `adp@unversioned`, `adp@1.3.1`, `adp@1.6.0`, `atif@1.7`, …. */
  from: string;
  /**
   * For 1.6.0 output: the lint findings left on the migrated record, i.e. what stayed in details
   * and why (conflicts, unconvertible values, …). Empty when the record migrated cleanly.
   */
  findings: LintFinding[];
  /** What changed besides moved keys (content upgrades, conversions), for people. */
  changes: string[];
  problems: MigrateProblem[];
}

const ROOT_ORDER_1_6 = [
  'schema_version',
  'id',
  'content',
  'available_custom_tools',
  'available_code_languages',
  'details',
  'provenance',
  'outcome',
  'task',
  'tools',
  'artifacts',
  'llm_calls',
  'pdi',
  'details_origin',
];

const KNOWN_ADP_VERSIONS: ReadonlySet<string> = new Set(ADP_VERSIONS);

/**
 * Migrates one record (ADP of any era, trajkit 1.6.0, or ATIF-v1.x) to trajkit 1.6.0 or ADP 1.5.0.
 * Pure and non-throwing.
 *
 * To 1.6.0: legacy content is brought to the 1.5.0 shape first (`upgradeToV1_5`), ATIF is
 * imported (`importAtifRecord`), then every promoted details key moves to its typed field with a
 * `details_origin` receipt. Nothing is dropped: a value that cannot move (two names disagree, an
 * unparseable string) stays in details and `findings` says why.
 *
 * To 1.5.0: a 1.6.0 record is down-converted (`downgradeRecord`, details restored exactly); a
 * legacy record only gets the content upgrade.
 */
export function migrateRecord(input: unknown, options: MigrateOptions = {}): MigrateResult {
  const to = options.to ?? '1.6.0';
  const config = options.config ?? defaultLintConfig;
  const result: MigrateResult = { from: 'unknown', findings: [], changes: [], problems: [] };
  if (!isJsonObject(input)) {
    result.problems.push({ path: '', message: `a record must be a JSON object, found ${Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input}` });
    return result;
  }
  const version = input.schema_version;
  const isAtif = typeof version === 'string' && version.startsWith('ATIF-');
  if (!isAtif && !Array.isArray(input.content)) {
    result.problems.push({
      path: 'content',
      message: `not an ADP trajectory: content must be an array of items, found ${input.content === undefined ? 'no content' : typeof input.content}`,
    });
    return result;
  }
  let typed: JsonObject | undefined;
  let legacy: JsonObject | undefined;

  if (isAtif) {
    result.from = 'atif@1.7';
    const imported = importAtifRecord(input);
    result.changes.push(...imported.warnings.map((w) => `${w.path ? `${w.path}: ` : ''}${w.message}`));
    if (!imported.record) {
      result.problems.push(...imported.errors);
      return result;
    }
    typed = imported.record;
  } else if (version === TRAJKIT_SCHEMA_VERSION) {
    result.from = `adp@${version}`;
    typed = { ...input };
  } else if (version === undefined || (typeof version === 'string' && KNOWN_ADP_VERSIONS.has(version))) {
    result.from = version === undefined ? 'adp@unversioned' : `adp@${version}`;
    if (version === '1.5.0') {
      // Already in shape; only make sure there is a details map to move keys out of.
      legacy = { ...input, details: isJsonObject(input.details) ? input.details : {} };
    } else {
      const upgraded = upgradeToV1_5(input);
      result.changes.push(...upgraded.changes);
      result.problems.push(...upgraded.problems);
      legacy = upgraded.record;
    }
  } else {
    result.problems.push({
      path: 'schema_version',
      message: `unknown schema_version ${JSON.stringify(version)}; trajkit migrates ADP unversioned, ${[...ADP_VERSIONS, TRAJKIT_SCHEMA_VERSION].join(', ')} and ATIF-v1.x`,
    });
    return result;
  }

  if (to === '1.5.0') {
    if (legacy) {
      result.record = orderRoot({ ...legacy, schema_version: '1.5.0' });
      return result;
    }
    const down = downgradeRecord(typed as JsonObject);
    result.changes.push(...down.changes);
    result.problems.push(...down.problems);
    if (down.record !== typed) result.record = down.record;
    return result;
  }

  const record: JsonObject = typed ?? legacy!;
  if (legacy) {
    const stash = restoreTypedStash(record);
    if (stash.restored.length > 0) result.changes.push(`restored ${stash.restored.join(', ')} from details._trajkit`);
    if (stash.clashes.length > 0) {
      result.problems.push({ path: 'details._trajkit', message: `the record already has ${stash.clashes.join(', ')}; details._trajkit was left as it is` });
    }
  }
  const plan = planDetails(record, { config });
  applyDetailsPlan(record, plan);
  record.schema_version = TRAJKIT_SCHEMA_VERSION;
  result.record = orderRoot(record, ROOT_ORDER_1_6);
  result.findings = lintRecord(result.record, { config });
  return result;
}
