import { backfillToolCallIds } from '../schema/tool-call-links.js';
import { isJsonObject, type JsonObject } from '../lint/is-json-object.js';

/** The result of bringing a legacy ADP record to the 1.5.0 shape. */
export interface UpgradeResult {
  record: JsonObject;
  /** What changed, for people ("3 null fields omitted", "available_apis renamed …"). */
  changes: string[];
  /** Problems that leave the record short of 1.5.0 (e.g. an unknown root key that could not move). */
  problems: { path: string; message: string }[];
}

/** Base fields 1.3.0+ omit when null (spec §3). */
const OMIT_WHEN_NULL = ['tool_call_id', 'reasoning_content', 'reward'] as const;

/** Root keys of an ADP 1.5.0 record; anything else in an unversioned record was ignored by ADP. */
const V1_5_ROOT_KEYS = new Set(['schema_version', 'id', 'content', 'available_custom_tools', 'available_code_languages', 'details']);

/** trajkit 1.6.0 root fields; `upgradeToV1_5` leaves them alone (see `migrateRecord`). */
export const TYPED_ROOT_FIELDS = ['provenance', 'outcome', 'task', 'tools', 'artifacts', 'llm_calls', 'pdi', 'details_origin'] as const;

/**
 * Brings an ADP record of any legacy era (unversioned, 1.0.0 … 1.4.0) to the ADP 1.5.0 shape:
 * null base fields omitted (1.3.0 rule), old `source` spellings mapped (`user_msg` → `user`,
 * `assistant` → `agent`, `system` → `environment` + `name: "system"`), tool-call ids backfilled
 * with ADP's routine, `available_apis` renamed `available_custom_tools`, null root lists omitted,
 * `available_code_languages` computed, unknown root keys of unversioned records moved into
 * `details`. `details` values are never touched. Pure: returns a new record.
 */
export function upgradeToV1_5(input: JsonObject): UpgradeResult {
  const changes: string[] = [];
  const problems: UpgradeResult['problems'] = [];
  const details: JsonObject = isJsonObject(input.details) ? { ...input.details } : {};
  if (!isJsonObject(input.details)) {
    if (input.details !== undefined && input.details !== null) {
      problems.push({ path: 'details', message: `details must be an object, found ${Array.isArray(input.details) ? 'an array' : typeof input.details}` });
    } else changes.push('details added as {}');
  }

  let nulls = 0;
  let spellings = 0;
  const content = Array.isArray(input.content)
    ? input.content.map((value) => {
        if (!isJsonObject(value)) return value;
        let item: JsonObject | undefined;
        for (const key of OMIT_WHEN_NULL) {
          if (key in value && value[key] === null) {
            item ??= { ...value };
            delete item[key];
            nulls++;
          }
        }
        const source = value.source;
        if (source === 'user_msg' || source === 'assistant' || source === 'system') {
          item ??= { ...value };
          spellings++;
          if (source === 'user_msg') item.source = 'user';
          else if (source === 'assistant') item.source = 'agent';
          else {
            item.source = 'environment';
            if (value.class_ === 'text_observation') item.name = 'system';
          }
        }
        return item ?? value;
      })
    : input.content;
  if (nulls > 0) changes.push(`${nulls} null tool_call_id/reasoning_content/reward field(s) omitted (1.3.0 rule)`);
  if (spellings > 0) changes.push(`${spellings} old observation source spelling(s) mapped`);

  let record: JsonObject = { schema_version: '1.5.0', id: input.id, content };
  if (Array.isArray(content)) {
    const before = content;
    record = backfillToolCallIds(record as { content: unknown[] } & JsonObject);
    const after = record.content as unknown[];
    const touched = after.filter((item, i) => item !== before[i]).length;
    if (touched > 0) changes.push(`${touched} content item(s) linked by tool_call_id (ADP backfill)`);
  }

  const apis = input.available_apis;
  const custom = input.available_custom_tools;
  if (custom !== undefined && custom !== null) {
    record.available_custom_tools = custom;
    if (apis !== undefined && apis !== null) {
      problems.push({ path: 'available_apis', message: 'both available_apis and available_custom_tools are set; available_apis was kept in details' });
      details.available_apis = apis;
    }
  } else if (apis !== undefined && apis !== null) {
    record.available_custom_tools = apis;
    changes.push('available_apis renamed available_custom_tools (1.4.0)');
  }

  const languages = codeLanguages(content);
  if (input.available_code_languages !== undefined && input.available_code_languages !== null) {
    record.available_code_languages = input.available_code_languages;
  } else if (languages.length > 0) {
    record.available_code_languages = languages;
    changes.push('available_code_languages computed (1.5.0)');
  }
  record.details = details;

  for (const key of Object.keys(input)) {
    if (V1_5_ROOT_KEYS.has(key) || key === 'available_apis' || (TYPED_ROOT_FIELDS as readonly string[]).includes(key)) continue;
    if (Object.hasOwn(details, key)) {
      problems.push({ path: key, message: `unknown root key "${key}" could not move into details, which already has that key` });
      record[key] = input[key];
    } else {
      details[key] = input[key];
      changes.push(`unknown root key "${key}" moved into details`);
    }
  }
  for (const key of TYPED_ROOT_FIELDS) if (key in input) record[key] = input[key];
  return { record, changes, problems };
}

/** The sorted, de-duplicated `code_action.language` values of a content list (spec §5). */
export function codeLanguages(content: unknown): string[] {
  if (!Array.isArray(content)) return [];
  const set = new Set<string>();
  for (const item of content) {
    if (isJsonObject(item) && item.class_ === 'code_action' && typeof item.language === 'string') set.add(item.language);
  }
  return [...set].sort();
}
