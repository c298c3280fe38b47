import { OBSERVATION_CLASSES, TOOL_ACTION_CLASSES } from './content-items.js';
import { asJsonObject, type JsonObject } from './json-object.js';
import type { RuleFinding } from './record-issue.js';

export type { RuleFinding } from './record-issue.js';

function classOf(item: JsonObject | undefined): string | undefined {
  return typeof item?.class_ === 'string' ? item.class_ : undefined;
}

function idOf(item: JsonObject | undefined): string | undefined {
  return typeof item?.tool_call_id === 'string' ? item.tool_call_id : undefined;
}

const where = (index: number, cls: string | undefined) => `content[${index}] (${cls ?? 'item'})`;

/**
 * The tool-call link rules of ADP 1.3.0+ (spec §4, rules 1, 3, 4, 5), over raw content. Rules 2
 * (message_action has no id) and 6 (a linked text result is not user input) concern one item
 * each and live in the item schemas. Tolerates malformed items: structure is checked elsewhere.
 */
export function checkToolCallLinks(content: unknown, since = 'ADP 1.3.0'): RuleFinding[] {
  if (!Array.isArray(content)) return [];
  const findings: RuleFinding[] = [];
  const actionAt = new Map<string, number>();
  const answeredAt = new Map<string, number>();

  for (let index = 0; index < content.length; index++) {
    const item = asJsonObject(content[index]);
    const cls = classOf(item);
    const id = idOf(item);
    const isAction = cls !== undefined && TOOL_ACTION_CLASSES.has(cls);
    const isObservation = cls !== undefined && OBSERVATION_CLASSES.has(cls);

    if (isAction) {
      const next = asJsonObject(content[index + 1]);
      const nextCls = classOf(next);
      if (id === undefined && nextCls !== undefined && OBSERVATION_CLASSES.has(nextCls)) {
        findings.push({
          path: ['content', index, 'tool_call_id'],
          code: 'tool_call_id_missing',
          severity: 'error',
          message: `tool action ${where(index, cls)} is followed by an observation (${where(index + 1, nextCls)}) but has no tool_call_id (required from ${since})`,
        });
      }
      if (id === undefined) continue;
      const first = actionAt.get(id);
      if (first !== undefined) {
        findings.push({
          path: ['content', index, 'tool_call_id'],
          code: 'tool_call_id_duplicate',
          severity: 'error',
          message: `tool action ${where(index, cls)} reuses tool_call_id "${id}" of ${where(first, classOf(asJsonObject(content[first])))}; tool-action ids must be unique`,
        });
        continue;
      }
      actionAt.set(id, index);
    } else if (isObservation && id !== undefined) {
      if (!actionAt.has(id)) {
        findings.push({
          path: ['content', index, 'tool_call_id'],
          code: 'tool_call_id_orphan',
          severity: 'error',
          message: `observation ${where(index, cls)} has tool_call_id "${id}", but no earlier tool action has that id`,
        });
        continue;
      }
      const answered = answeredAt.get(id);
      if (answered !== undefined) {
        findings.push({
          path: ['content', index, 'tool_call_id'],
          code: 'tool_call_id_second_result',
          severity: 'error',
          message: `observation ${where(index, cls)} is a second result for tool_call_id "${id}" (the first is content[${answered}]); each tool call has exactly one`,
        });
        continue;
      }
      answeredAt.set(id, index);
    }
  }

  for (const [id, index] of actionAt) {
    if (!answeredAt.has(id)) {
      findings.push({
        path: ['content', index, 'tool_call_id'],
        code: 'tool_call_id_unanswered',
        severity: 'error',
        message: `tool action ${where(index, classOf(asJsonObject(content[index])))} has tool_call_id "${id}", but no observation carries that id`,
      });
    }
  }
  return findings;
}

/**
 * ADP's backfill routine (spec §4), as a pure function: for each tool action immediately
 * followed by an observation, gives both the same id (the next unused `call_NNNNNN` when
 * neither has one, else the one that exists) and turns a linked text/image result's
 * `source: "user"` into `"environment"`. Returns a new record; changed items are copies,
 * unchanged items are shared with the input.
 */
export function backfillToolCallIds<T extends { content: readonly unknown[] }>(record: T): T {
  const content = [...record.content];
  const used = new Set<string>();
  for (const value of content) {
    const id = idOf(asJsonObject(value));
    if (id !== undefined) used.add(id);
  }
  let counter = 1;
  const nextId = () => {
    let id: string;
    do id = `call_${String(counter++).padStart(6, '0')}`;
    while (used.has(id));
    used.add(id);
    return id;
  };

  for (let index = 0; index + 1 < content.length; index++) {
    const action = asJsonObject(content[index]);
    const result = asJsonObject(content[index + 1]);
    const actionCls = classOf(action);
    const resultCls = classOf(result);
    if (!action || !result || !actionCls || !resultCls) continue;
    if (!TOOL_ACTION_CLASSES.has(actionCls) || !OBSERVATION_CLASSES.has(resultCls)) continue;

    const actionId = idOf(action);
    const resultId = idOf(result);
    const id = actionId ?? resultId ?? nextId();
    if (actionId === undefined) content[index] = { ...action, tool_call_id: id };
    const newResult: JsonObject = resultId === undefined ? { ...result, tool_call_id: id } : result;
    if ((resultCls === 'text_observation' || resultCls === 'image_observation') && newResult.source === 'user') {
      content[index + 1] = { ...newResult, source: 'environment' };
    } else if (newResult !== result) {
      content[index + 1] = newResult;
    }
  }
  return { ...record, content };
}
