import { isDeepStrictEqual } from 'node:util';
import { formatPath, type PathSegments } from '../schema/record-issue.js';
import type { LintConfig, KeyRoute } from './config.js';
import type { Concept } from './concepts.js';
import { convertValue, type Conversion } from './convert-value.js';
import { getFieldValue, parseFieldRef } from './field-path.js';
import type { LintRuleId } from './rules.js';
import { adpRequiresNumber, exceedsBytes, unquote, valueShape } from './stringified.js';
import type { FieldTarget } from './typed-targets.js';
import { isJsonObject, type JsonObject } from './is-json-object.js';

/**
 * What migration does with one details key:
 * - `set`: write the typed value at `field` (a typed-object path or a root field);
 * - `artifact`: create an artifact named after the key holding the value;
 * - `system-prompt`: insert a system observation at `content[0]`;
 * - `reference`: the record already holds this value at `field`; only the receipt is added;
 * - `in-place`: the key stays in details with a normalised value (the raw one goes to the receipt).
 */
export type MoveAction = 'set' | 'artifact' | 'system-prompt' | 'reference' | 'in-place';

/** One planned move of a details key, with its `details_origin` receipt. */
export interface DetailsMove {
  key: string;
  /** The receipt's `field`. */
  field: string;
  action: MoveAction;
  target: FieldTarget;
  /** The typed value; undefined when the original was null (the field stays absent). */
  value: unknown;
  /** True when `value` differs from `original`, which then goes into the receipt as `raw`. */
  changed: boolean;
  original: unknown;
}

/** A problem found while planning; `fixed` says whether the planned moves resolve it. */
export interface PlanFinding {
  path: string;
  rule: LintRuleId;
  message: string;
  fix?: string;
  /** The details key the finding is about. */
  key: string;
  fixed: boolean;
}

/** Everything `trajkit lint` reports about a details map and everything `trajkit migrate` would do. */
export interface DetailsPlan {
  moves: DetailsMove[];
  findings: PlanFinding[];
}

export interface PlanOptions {
  config: LintConfig;
  /**
   * `adp`: the full plan for an ADP record (promote keys, resolve concepts). `values`: only the
   * value rules (stringified, quoted, large), for maps that have no typed homes (ATIF `extra`).
   */
  mode?: 'adp' | 'values';
  /** The map to plan; default `record.details`. */
  details?: unknown;
  /** Path of that map inside the record, for findings; default `['details']`. */
  basePath?: PathSegments;
  /**
   * Whether `trajkit migrate` will fix what this map's findings report. Default: true for `adp`;
   * in `values` mode, true when the map becomes the migrated record's details (ATIF
   * `extra.adp_details`), false for maps that stay nested (ATIF `extra.raw`).
   */
  fixable?: boolean;
}

interface Candidate {
  key: string;
  path: string;
  route: KeyRoute;
  conv: Extract<Conversion, { ok: true }>;
  original: unknown;
}

/**
 * Plans the migration of one record's details map to trajkit 1.6.0 and collects the lint
 * findings that go with it. Pure: the record is not touched. Lint and migrate share this, so what
 * lint reports is exactly what `lint --fix` repairs or explains.
 */
export function planDetails(record: JsonObject, options: PlanOptions): DetailsPlan {
  const { config } = options;
  const mode = options.mode ?? 'adp';
  const details = options.details === undefined ? record.details : options.details;
  const base = options.basePath ?? ['details'];
  const plan: DetailsPlan = { moves: [], findings: [] };
  if (!isJsonObject(details)) return plan;
  const fixable = options.fixable ?? mode === 'adp';

  const candidates: Candidate[] = [];
  for (const key of Object.keys(details)) {
    const original = details[key];
    const path = formatPath([...base, key]);
    const route = config.route(key);
    if (!route) {
      planDatasetSpecific(record, key, original, path, config, plan);
      continue;
    }
    const conv = convertValue(original, route.target.kind);
    if (!conv.ok) {
      if (mode === 'adp' && config.enabled('promoted-key') && config.enabled('unconvertible-value')) {
        plan.findings.push({
          path,
          key,
          rule: 'unconvertible-value',
          fixed: false,
          message: `${path} belongs in ${fieldLabel(route.target)} but cannot move: ${conv.reason}; it stays in details`,
          fix: `correct the value, or map "${key}" to another field (or "details") in trajkit.config.json`,
        });
      }
      continue;
    }
    const willMove = fixable && config.enabled('promoted-key');
    if (conv.how === 'parsed' && typeof original === 'string' && config.enabled('stringified-value')) {
      plan.findings.push({
        path,
        key,
        rule: 'stringified-value',
        fixed: willMove,
        message: `${path} is ${describeParsed(conv.value)} written as the string ${preview(original)}`,
        fix: `store ${conv.value === undefined ? 'null (or leave the field out)' : preview(conv.value)}`,
      });
    }
    if (conv.how === 'unquoted' && config.enabled('quoted-string')) {
      plan.findings.push({
        path,
        key,
        rule: 'quoted-string',
        fixed: willMove,
        message: `${path} has an extra layer of quotes: ${preview(original)}`,
        fix: `store ${preview(conv.value)}`,
      });
    }
    if (willMove && mode === 'adp') candidates.push({ key, path, route, conv, original });
  }
  if (candidates.length > 0) planPromoted(record, candidates, config, plan);
  if (!fixable) for (const f of plan.findings) f.fixed = false;
  return plan;
}

/** Value rules for a key with no typed home: it stays in details, perhaps normalised in place. */
function planDatasetSpecific(record: JsonObject, key: string, original: unknown, path: string, config: LintConfig, plan: DetailsPlan) {
  if (config.enabled('large-value') && exceedsBytes(original, config.largeValueBytes)) {
    const name = key;
    const taken = Array.isArray(record.artifacts) && record.artifacts.some((a) => isJsonObject(a) && a.name === name);
    const target: FieldTarget = { field: `artifacts[${name}]`, kind: 'artifact', artifactKind: 'other' };
    plan.findings.push({
      path,
      key,
      rule: 'large-value',
      fixed: !taken,
      message: `${path} is larger than ${formatBytes(config.largeValueBytes)}; blobs belong in artifacts${
        taken ? ` (an artifact named "${name}" already exists, so it stays)` : ''
      }`,
      fix: taken ? 'move it to an artifact by hand, or raise largeValueBytes' : `move to artifacts[${name}]`,
    });
    if (!taken) {
      const content = convertValue(original, 'artifact') as Extract<Conversion, { ok: true }>;
      if (content.value !== undefined) {
        plan.moves.push({
          key,
          field: target.field,
          action: 'artifact',
          target,
          value: content.value,
          changed: content.changed,
          original,
        });
      }
    }
    return;
  }
  if (typeof original !== 'string') return;
  const shape = valueShape(original);
  const inPlace = (value: unknown): DetailsMove => ({
    key,
    field: `details.${key}`,
    action: 'in-place',
    target: { field: `details.${key}`, kind: 'json' },
    value,
    changed: true,
    original,
  });
  if (shape === 'string:number' && adpRequiresNumber(key) && config.enabled('stringified-value')) {
    const value = Number(original.trim());
    plan.findings.push({
      path,
      key,
      rule: 'stringified-value',
      fixed: true,
      message: `${path} is the number ${value} written as the string ${preview(original)} (ADP requires "${key}" to be a JSON number)`,
      fix: `store ${value}`,
    });
    plan.moves.push(inPlace(value));
  } else if ((shape === 'string:object' || shape === 'string:array') && config.enabled('stringified-json')) {
    const value = JSON.parse(original);
    plan.findings.push({
      path,
      key,
      rule: 'stringified-json',
      fixed: true,
      message: `${path} is a JSON ${shape === 'string:object' ? 'object' : 'array'} serialised into a string`,
      fix: 'store the parsed structure',
    });
    plan.moves.push(inPlace(value));
  } else if (shape === 'string:quoted' && config.enabled('quoted-string')) {
    const value = unquote(original);
    plan.findings.push({
      path,
      key,
      rule: 'quoted-string',
      fixed: true,
      message: `${path} has an extra layer of quotes: ${preview(original)}`,
      fix: `store ${preview(value)}`,
    });
    plan.moves.push(inPlace(value));
  }
}

/** Groups promoted keys by typed field, settles agreement and conflicts, and plans the moves. */
function planPromoted(record: JsonObject, candidates: Candidate[], config: LintConfig, plan: DetailsPlan) {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const group = groups.get(c.route.target.field);
    if (group) group.push(c);
    else groups.set(c.route.target.field, [c]);
  }
  for (const group of groups.values()) {
    const target = group[0].route.target;
    if (target.kind === 'system-prompt') planSystemPrompt(record, group, config, plan);
    else planGroup(record, group, target, config, plan);
  }
}

function planGroup(record: JsonObject, group: Candidate[], target: FieldTarget, config: LintConfig, plan: DetailsPlan) {
  const existing = existingValue(record, target);
  const claims = group.filter((c) => c.conv.value !== undefined);
  const createAction = target.kind === 'artifact' ? 'artifact' : 'set';

  if (existing.present) {
    const referenceField = target.kind === 'artifact' ? `${target.field}.content` : target.field;
    for (const c of group) {
      if (c.conv.value === undefined || isDeepStrictEqual(c.conv.value, existing.value)) {
        move(plan, c, referenceField, 'reference', `already in ${fieldLabel(target)}; drop the details copy`);
      } else {
        conflict(plan, c, config, `${c.path} (${preview(c.original)}) disagrees with ${fieldLabel(target)} already in the record (${preview(existing.value)})`);
      }
    }
    return;
  }

  const distinct: unknown[] = [];
  for (const c of claims) if (!distinct.some((v) => isDeepStrictEqual(v, c.conv.value))) distinct.push(c.conv.value);
  if (distinct.length > 1) {
    const listing = claims.map((c) => `${c.path} = ${preview(c.original)}`).join(', ');
    for (const c of group) {
      if (c.conv.value === undefined) move(plan, c, target.field, createAction);
      else conflict(plan, c, config, `${listing}: these give ${fieldLabel(target)} but disagree, so they stay in details`);
    }
    return;
  }
  for (const c of group) move(plan, c, target.field, createAction);
  if (claims.length > 1 && config.enabled('duplicate-concept')) {
    const [first, ...rest] = claims;
    for (const c of rest) {
      plan.findings.push({
        path: c.path,
        key: c.key,
        rule: 'duplicate-concept',
        fixed: true,
        message: `${c.path} repeats ${first.path}: both give ${fieldLabel(target)} (they agree)`,
        fix: `keep one name: both move to ${fieldLabel(target)}, with receipts in details_origin`,
      });
    }
  }
}

function planSystemPrompt(record: JsonObject, group: Candidate[], config: LintConfig, plan: DetailsPlan) {
  const content = Array.isArray(record.content) ? record.content : [];
  const system = findSystemObservation(content);
  const distinct: unknown[] = [];
  for (const c of group) if (!distinct.some((v) => v === c.conv.value)) distinct.push(c.conv.value);

  if (system) {
    for (const c of group) {
      if (c.conv.value === system.text) {
        if (config.enabled('system-prompt-duplicated')) {
          plan.findings.push({
            path: c.path,
            key: c.key,
            rule: 'system-prompt-duplicated',
            fixed: true,
            message: `${c.path} repeats the system observation content[${system.index}]`,
            fix: `drop the details copy (receipt in details_origin points at content[${system.index}])`,
          });
        }
        move(plan, c, `content[${system.index}].content`, 'reference', `already content[${system.index}]; drop the details copy`);
      } else {
        conflict(plan, c, config, `${c.path} differs from the system observation already at content[${system.index}]`);
      }
    }
    return;
  }
  if (distinct.length > 1) {
    const listing = group.map((c) => `${c.path}`).join(' and ');
    for (const c of group) conflict(plan, c, config, `${listing} both give the system prompt but disagree, so they stay in details`);
    return;
  }
  const prompt = String(distinct[0]);
  const user = findFirstUserText(content);
  if (user && user.text.includes(prompt.trim())) {
    for (const c of group) {
      if (!config.enabled('system-prompt-duplicated')) continue;
      plan.findings.push({
        path: c.path,
        key: c.key,
        rule: 'system-prompt-duplicated',
        fixed: false,
        message: `${c.path} is also inside the first user observation content[${user.index}]; one place is fine, not both`,
        fix: `drop details.${c.key}, or split the prompt out of content[${user.index}] by hand`,
      });
    }
    return;
  }
  group.forEach((c, i) => move(plan, c, i === 0 ? 'content[0]' : 'content[0].content', i === 0 ? 'system-prompt' : 'reference'));
}

function move(plan: DetailsPlan, c: Candidate, field: string, action: MoveAction, why?: string) {
  const target = c.route.target;
  plan.moves.push({ key: c.key, field, action, target, value: c.conv.value, changed: c.conv.changed, original: c.original });
  const as = c.conv.changed && c.conv.value !== undefined ? ` as ${preview(c.conv.value)}` : '';
  let message: string;
  if (c.route.mapped || !c.route.concept) {
    message = `${c.path} has a typed home by the config's mappings: ${fieldLabel(target)}`;
  } else {
    const origin = c.route.concept.from === 'adp' ? ' (ADP forbids it in details)' : ' (ADP #226)';
    message = `${c.path} holds ${CONCEPT_LABELS[c.route.concept.concept]}${origin}; its 1.6.0 home is ${fieldLabel(target)}`;
  }
  plan.findings.push({
    path: c.path,
    key: c.key,
    rule: 'promoted-key',
    fixed: true,
    message,
    fix: why ?? `move to ${fieldLabel(target)}${as}`,
  });
}

const CONCEPT_LABELS: Record<Concept, string> = {
  provenance: 'provenance',
  agent: 'agent identity (provenance)',
  'system-prompt': 'the system prompt',
  outcome: 'the outcome',
  tools: 'tool specs',
  task: 'task information',
  artifacts: 'a run artifact',
  'root-list': 'an ADP root list',
};

function conflict(plan: DetailsPlan, c: Candidate, config: LintConfig, message: string) {
  if (!config.enabled('conflicting-value')) return;
  plan.findings.push({
    path: c.path,
    key: c.key,
    rule: 'conflicting-value',
    fixed: false,
    message,
    fix: `settle the value, or map "${c.key}" elsewhere (e.g. "${extraFor(c.route.target, c.key)}") in trajkit.config.json`,
  });
}

function extraFor(target: FieldTarget, key: string): string {
  const root = target.field.split('.')[0];
  return root === 'provenance' || root === 'outcome' || root === 'task' ? `${root}.extra.${key}` : 'details';
}

/** Human label of a typed field. */
export function fieldLabel(target: FieldTarget): string {
  if (target.kind === 'system-prompt') return 'a system observation at content[0]';
  if (target.kind === 'artifact') return `${target.field} (kind ${target.artifactKind ?? 'other'})`;
  return target.field;
}

function existingValue(record: JsonObject, target: FieldTarget): { present: boolean; value?: unknown } {
  const ref = parseFieldRef(target.kind === 'artifact' ? `${target.field}.content` : target.field);
  if (!ref) return { present: false };
  if (ref.type === 'artifact') {
    const artifacts = Array.isArray(record.artifacts) ? record.artifacts : [];
    const found = artifacts.find((a) => isJsonObject(a) && a.name === ref.name) as JsonObject | undefined;
    return found ? { present: true, value: found.content } : { present: false };
  }
  let value = getFieldValue(record, ref);
  // Before 1.4.0 the custom tool list was called available_apis.
  if (value == null && ref.type === 'root' && ref.name === 'available_custom_tools') value = record.available_apis;
  return value === undefined || value === null ? { present: false } : { present: true, value };
}

/** The first `text_observation` with source "environment" and name "system" (the 1.6.0 system prompt). */
export function findSystemObservation(content: readonly unknown[]): { index: number; text: string } | undefined {
  for (let i = 0; i < content.length; i++) {
    const item = content[i];
    if (
      isJsonObject(item) &&
      item.class_ === 'text_observation' &&
      (item.source === 'environment' || item.source === 'system') &&
      (item.name === 'system' || item.source === 'system') &&
      typeof item.content === 'string'
    ) {
      return { index: i, text: item.content };
    }
  }
  return undefined;
}

/** The first user `text_observation` (old spelling `user_msg` included). */
export function findFirstUserText(content: readonly unknown[]): { index: number; text: string } | undefined {
  for (let i = 0; i < content.length; i++) {
    const item = content[i];
    if (isJsonObject(item) && item.class_ === 'text_observation' && (item.source === 'user' || item.source === 'user_msg')) {
      return typeof item.content === 'string' ? { index: i, text: item.content } : undefined;
    }
  }
  return undefined;
}

function describeParsed(value: unknown): string {
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return 'a JSON array';
  if (typeof value === 'object') return 'a JSON object';
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

/** A short JSON rendering of a value for messages. */
export function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function formatBytes(n: number): string {
  return n >= 1024 ? `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB` : `${n} bytes`;
}
