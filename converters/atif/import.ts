import { backfillToolCallIds } from '../../src/schema/tool-call-links.js';
import { ToolSpec } from '../../src/schema/tool-spec.js';
import { asJsonObject, type JsonObject } from '../../src/schema/json-object.js';

const isJsonObject = (value: unknown): value is JsonObject => asJsonObject(value) !== undefined;

/** Something the import could not carry over exactly, or could not do at all. */
export interface AtifImportIssue {
  /** JSON path in the ATIF record (`steps[3].metrics`), `""` for the root. */
  path: string;
  message: string;
}

/** The result of importing one ATIF record. */
export interface AtifImportResult {
  /** A trajkit 1.6.0 record; absent when `errors` says why it could not be built. */
  record?: JsonObject;
  /** What was moved somewhere unusual or has no ADP home (kept under provenance.extra.atif). */
  warnings: AtifImportIssue[];
  errors: AtifImportIssue[];
}

/** ATIF root `extra` keys written by ADP's legacy → ATIF adapter (atif.md §9), not dataset data. */
const ADP_CONVENTION_KEYS = new Set(['adp_schema_version', 'adp_available_apis', 'adp_details']);

/** Step keys the content items themselves carry; everything else is kept per step. */
const STEP_KEYS_USED = new Set(['step_id', 'source', 'message', 'reasoning_content', 'tool_calls', 'observation', 'extra']);
const STEP_EXTRA_USED = new Set(['adp_class', 'adp_source', 'description', 'reward', 'language']);
const CALL_EXTRA_USED = new Set(['adp_class', 'language']);
const RESULT_EXTRA_USED = new Set(['adp_class', 'adp_source', 'web', 'reward', 'name']);

const SHELL_TOOLS = new Set(['terminal', 'execute_bash']);
const PYTHON_TOOLS = new Set(['python', 'execute_ipython_cell']);
const OBSERVATION_CLASSES = new Set(['text_observation', 'image_observation', 'web_observation']);

/**
 * Imports one ATIF-v1.x record as a trajkit 1.6.0 record, following atif.md §9 "Reverse": system
 * step → system observation; user step → user text observation; an agent step's tool calls →
 * actions (terminal/execute_bash → bash code_action, python/execute_ipython_cell → python
 * code_action, execute_code → code_action in its language, else api_action), each followed by its
 * result; an agent step without calls → message_action. `extra.adp_class` / `adp_source` /
 * `description` / `language`, written by ADP's adapter, restore the original items.
 *
 * `details` = `extra.adp_details` when present, else root `extra` minus ADP's adapter keys;
 * `extra.adp_available_apis` → `available_custom_tools`; `agent` → `provenance.agent`;
 * `agent.tool_definitions` → `tools`; `final_metrics.reward` → `outcome.reward` (other final
 * metrics → `outcome.extra`). What ADP has no place for (per-step metrics, timestamps, models,
 * notes, tool-call `extra`, …) is kept under `provenance.extra.atif` and listed in `warnings`.
 * Ids are backfilled (ADP §4) and `available_code_languages` computed. Pure.
 */
export function importAtifRecord(atif: unknown): AtifImportResult {
  const warnings: AtifImportIssue[] = [];
  const errors: AtifImportIssue[] = [];
  if (!isJsonObject(atif)) return { warnings, errors: [{ path: '', message: 'an ATIF record must be a JSON object' }] };
  const id = typeof atif.trajectory_id === 'string' ? atif.trajectory_id : typeof atif.session_id === 'string' ? atif.session_id : undefined;
  if (id === undefined) errors.push({ path: '', message: 'neither trajectory_id nor session_id is set, so the ADP record has no id' });
  if (!Array.isArray(atif.steps)) errors.push({ path: 'steps', message: 'steps must be an array' });
  if (errors.length > 0) return { warnings, errors };

  const kept: JsonObject = {};
  const keep = (path: string, what: string, value: unknown, store: (v: unknown) => void) => {
    store(value);
    warnings.push({ path, message: `${what} has no ADP home; kept under provenance.extra.atif` });
  };

  const content: JsonObject[] = [];
  const stepsKept: JsonObject = {};
  (atif.steps as unknown[]).forEach((step, i) => {
    const path = `steps[${i}]`;
    if (!isJsonObject(step)) {
      errors.push({ path, message: 'a step must be an object' });
      return;
    }
    const leftovers: JsonObject = {};
    for (const key of Object.keys(step)) if (!STEP_KEYS_USED.has(key)) leftovers[key] = step[key];
    const stepExtra = isJsonObject(step.extra) ? step.extra : {};
    const extraLeft = pick(stepExtra, (k) => !STEP_EXTRA_USED.has(k));
    if (extraLeft) leftovers.extra = extraLeft;
    content.push(...stepItems(step, path, leftovers, warnings));
    if (Object.keys(leftovers).length > 0) stepsKept[String(step.step_id ?? i + 1)] = leftovers;
  });
  if (errors.length > 0) return { warnings, errors };
  if (Object.keys(stepsKept).length > 0) {
    keep('steps', `per-step fields (${summariseKeys(stepsKept)})`, stepsKept, (v) => (kept.steps = v));
  }

  const extra = isJsonObject(atif.extra) ? atif.extra : {};
  let details: JsonObject;
  if (isJsonObject(extra.adp_details)) {
    details = { ...extra.adp_details };
    const rest = pick(extra, (k) => !ADP_CONVENTION_KEYS.has(k));
    if (rest) keep('extra', 'root extra keys beside adp_details', rest, (v) => (kept.extra = v));
  } else {
    details = pick(extra, (k) => !ADP_CONVENTION_KEYS.has(k)) ?? {};
  }

  let record: JsonObject = { schema_version: '1.6.0', id, content };
  record = backfillToolCallIds(record as JsonObject & { content: unknown[] });
  if (Array.isArray(extra.adp_available_apis)) record.available_custom_tools = extra.adp_available_apis;
  const languages = [
    ...new Set((record.content as JsonObject[]).filter((c) => c.class_ === 'code_action').map((c) => String(c.language))),
  ].sort();
  if (languages.length > 0) record.available_code_languages = languages;
  record.details = details;

  const provenance: JsonObject = {};
  const agent = isJsonObject(atif.agent) ? atif.agent : undefined;
  // `{name: "adp", version: <ADP schema version>}` marks ADP's own adapter, not an agent.
  if (agent && agent.name !== 'adp') {
    const info: JsonObject = {};
    if (typeof agent.name === 'string') info.name = agent.name;
    if (typeof agent.version === 'string') info.version = agent.version;
    if (typeof agent.model_name === 'string') info.model = agent.model_name;
    if (isJsonObject(agent.extra)) info.extra = agent.extra;
    if (Object.keys(info).length > 0) provenance.agent = info;
  }
  if (agent && Array.isArray(agent.tool_definitions) && agent.tool_definitions.length > 0) {
    if (agent.tool_definitions.every((t) => ToolSpec.safeParse(t).success)) record.tools = agent.tool_definitions;
    else keep('agent.tool_definitions', 'tool definitions that are not OpenAI function specs', agent.tool_definitions, (v) => (kept.tool_definitions = v));
  }
  for (const key of ['notes', 'continued_trajectory_ref', 'subagent_trajectories'] as const) {
    if (atif[key] !== undefined) keep(key, key, atif[key], (v) => (kept[key] = v));
  }
  if (isJsonObject(atif.final_metrics)) {
    const outcome: JsonObject = {};
    const other: JsonObject = {};
    for (const [key, value] of Object.entries(atif.final_metrics)) {
      if (key === 'reward' && typeof value === 'number') outcome.reward = value;
      else other[key] = value;
    }
    if (Object.keys(other).length > 0) outcome.extra = { final_metrics: other };
    if (Object.keys(outcome).length > 0) record.outcome = outcome;
  }
  if (Object.keys(kept).length > 0) provenance.extra = { atif: kept };
  if (Object.keys(provenance).length > 0) record.provenance = provenance;
  return { record, warnings, errors };
}

/** The ADP items of one step, in order. */
function stepItems(step: JsonObject, path: string, leftovers: JsonObject, warnings: AtifImportIssue[]): JsonObject[] {
  const extra = isJsonObject(step.extra) ? step.extra : {};
  const message = flatten(step.message ?? '');
  const results = isJsonObject(step.observation) && Array.isArray(step.observation.results) ? step.observation.results : [];
  const observationExtra = isJsonObject(step.observation) ? pick(step.observation, (k) => k !== 'results') : undefined;
  if (observationExtra) leftovers.observation = observationExtra;
  const calls = Array.isArray(step.tool_calls) ? step.tool_calls : [];
  const items: JsonObject[] = [];
  const withReward = (item: JsonObject) => {
    if (typeof extra.reward === 'number') item.reward = extra.reward;
    return item;
  };

  if (step.source === 'system') {
    items.push({ class_: 'text_observation', content: message, name: 'system', source: 'environment' });
  } else if (step.source === 'user') {
    items.push(withReward(observationFromMessage(step.message, typeof extra.adp_source === 'string' ? extra.adp_source : 'user')));
  } else if (calls.length === 0) {
    const cls = extra.adp_class;
    if (typeof cls === 'string' && OBSERVATION_CLASSES.has(cls)) {
      // ADP's adapter turned a stand-alone observation into an agent step with no model call.
      if (message !== '' || results.length === 0) {
        items.push(withReward(observationFromMessage(step.message, typeof extra.adp_source === 'string' ? extra.adp_source : 'agent')));
      }
    } else {
      const action: JsonObject = { class_: 'message_action', content: message, description: typeof extra.description === 'string' ? extra.description : null };
      if (typeof step.reasoning_content === 'string') action.reasoning_content = step.reasoning_content;
      items.push(withReward(action));
    }
  }

  const used = new Set<number>();
  calls.forEach((call, c) => {
    if (!isJsonObject(call)) {
      warnings.push({ path: `${path}.tool_calls[${c}]`, message: 'not an object; skipped' });
      return;
    }
    const action = actionFromCall(call);
    // ADP rule 5: an action id needs exactly one observation; ATIF calls without a result in their
    // step get none (backfill then links the next observation, as ADP's converters did).
    const answered = results.some((r) => isJsonObject(r) && r.source_call_id !== undefined && r.source_call_id === call.tool_call_id);
    if (!answered && 'tool_call_id' in action) {
      delete action.tool_call_id;
      ((leftovers.unanswered_call_ids ??= []) as unknown[]).push(call.tool_call_id);
    }
    if (c === 0) {
      action.description = typeof extra.description === 'string' ? extra.description : message !== '' ? message : null;
      if (typeof step.reasoning_content === 'string') action.reasoning_content = step.reasoning_content;
      withReward(action);
    }
    const callExtra = isJsonObject(call.extra) ? pick(call.extra, (k) => !CALL_EXTRA_USED.has(k)) : undefined;
    if (callExtra) ((leftovers.tool_calls ??= {}) as JsonObject)[String(call.tool_call_id ?? c)] = callExtra;
    items.push(action);
    results.forEach((result, r) => {
      if (used.has(r) || !isJsonObject(result) || result.source_call_id === undefined || result.source_call_id !== call.tool_call_id) return;
      used.add(r);
      items.push(observationFromResult(result, `${path}.observation.results[${r}]`, leftovers));
    });
  });
  results.forEach((result, r) => {
    if (used.has(r)) return;
    if (!isJsonObject(result)) {
      warnings.push({ path: `${path}.observation.results[${r}]`, message: 'not an object; skipped' });
      return;
    }
    const item = observationFromResult(result, `${path}.observation.results[${r}]`, leftovers);
    // A result naming a call of another step cannot keep the link: ADP links by position.
    if (result.source_call_id !== undefined) delete item.tool_call_id;
    items.push(item);
  });
  return items;
}

function actionFromCall(call: JsonObject): JsonObject {
  const name = String(call.function_name ?? '');
  const args = isJsonObject(call.arguments) ? call.arguments : {};
  const extra = isJsonObject(call.extra) ? call.extra : {};
  const id = typeof call.tool_call_id === 'string' ? { tool_call_id: call.tool_call_id } : {};
  const only = (key: string) => Object.keys(args).length === 1 && typeof args[key] === 'string';
  const language = typeof extra.language === 'string' ? extra.language : undefined;
  if (SHELL_TOOLS.has(name) && only('command')) {
    return { ...id, class_: 'code_action', language: language ?? 'bash', content: args.command, description: null };
  }
  if (PYTHON_TOOLS.has(name) && only('code')) {
    return { ...id, class_: 'code_action', language: language ?? 'python', content: args.code, description: null };
  }
  if (name === 'execute_code' && Object.keys(args).length === 2 && typeof args.language === 'string' && typeof args.content === 'string') {
    return { ...id, class_: 'code_action', language: args.language, content: args.content, description: null };
  }
  return { ...id, class_: 'api_action', function: name, kwargs: args, description: null };
}

function observationFromResult(result: JsonObject, path: string, leftovers: JsonObject): JsonObject {
  const extra = isJsonObject(result.extra) ? result.extra : {};
  const source = typeof extra.adp_source === 'string' ? extra.adp_source : 'environment';
  const id = typeof result.source_call_id === 'string' ? { tool_call_id: result.source_call_id } : {};
  const rest = pick(extra, (k) => !RESULT_EXTRA_USED.has(k));
  const other = pick(result, (k) => k !== 'source_call_id' && k !== 'content' && k !== 'extra');
  if (rest || other) ((leftovers.results ??= {}) as JsonObject)[path.slice(path.lastIndexOf('[') + 1, -1)] = { ...other, ...(rest ? { extra: rest } : {}) };
  let item: JsonObject;
  if (isJsonObject(extra.web)) {
    const web = extra.web;
    item = {
      ...id,
      class_: 'web_observation',
      html: web.html ?? null,
      axtree: web.axtree ?? null,
      url: web.url ?? null,
      image_observation: web.image_observation ?? null,
      viewport_size: web.viewport_size ?? null,
    };
  } else {
    item = { ...id, ...observationFromMessage(result.content, source) };
  }
  if (typeof extra.reward === 'number') item.reward = extra.reward;
  return item;
}

/** A text observation, or an image observation when the message is a single image part. */
function observationFromMessage(message: unknown, source: string): JsonObject {
  if (Array.isArray(message) && message.length === 1 && isJsonObject(message[0]) && message[0].type === 'image') {
    const part = message[0];
    const imageSource = isJsonObject(part.source) ? part.source : {};
    const annotations = isJsonObject(part.extra) && 'annotations' in part.extra ? part.extra.annotations : null;
    return { class_: 'image_observation', content: String(imageSource.path ?? ''), annotations, source };
  }
  return { class_: 'text_observation', content: flatten(message), name: null, source };
}

/** ATIF's flattening of a message (atif.md §3): text parts joined by newlines, images as `[Image: path]`. */
function flatten(message: unknown): string {
  if (typeof message === 'string') return message;
  if (!Array.isArray(message)) return '';
  return message
    .map((part) => {
      if (!isJsonObject(part)) return '';
      if (part.type === 'image') return `[Image: ${isJsonObject(part.source) ? String(part.source.path ?? '') : ''}]`;
      return typeof part.text === 'string' ? part.text : '';
    })
    .join('\n');
}

function pick(object: JsonObject, keep: (key: string) => boolean): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const key of Object.keys(object)) {
    if (!keep(key)) continue;
    out ??= {};
    out[key] = object[key];
  }
  return out;
}

function summariseKeys(steps: JsonObject): string {
  const keys = new Set<string>();
  for (const value of Object.values(steps)) if (isJsonObject(value)) for (const k of Object.keys(value)) keys.add(k);
  return [...keys].sort().join(', ');
}
