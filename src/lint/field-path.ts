import { isJsonObject, type JsonObject } from './is-json-object.js';

/**
 * The field paths written in `details_origin[].field`, parsed. Besides dot paths into the typed
 * objects (`provenance.split`, `provenance.agent.model`, `outcome.extra.<key>`), a path can name
 * an item migration created (`content[0]`, `artifacts[<name>]`: down-conversion removes it), the
 * text of an item that already existed (`content[2].content`, `artifacts[<name>].content`: kept),
 * a root field (`tools`, `available_custom_tools`), or a details key normalised in place
 * (`details.<key>`). Everything after `extra.` or `details.` is one key, dots included.
 */
export type FieldRef =
  | { type: 'object'; root: 'provenance' | 'outcome' | 'task'; path: string[] }
  | { type: 'root'; name: string }
  | { type: 'artifact'; name: string; created: boolean }
  | { type: 'content'; index: number; created: boolean }
  | { type: 'details'; key: string };

const TYPED_ROOTS = new Set(['provenance', 'outcome', 'task']);

/** Parses a details_origin field path; undefined when it is not one trajkit writes. */
export function parseFieldRef(field: string): FieldRef | undefined {
  if (field.startsWith('details.') && field.length > 8) return { type: 'details', key: field.slice(8) };
  if (field.startsWith('artifacts[')) {
    if (field.endsWith('].content')) return { type: 'artifact', name: field.slice(10, -9), created: false };
    if (field.endsWith(']')) return { type: 'artifact', name: field.slice(10, -1), created: true };
    return undefined;
  }
  const content = /^content\[(\d+)\](\.content)?$/.exec(field);
  if (content) return { type: 'content', index: Number(content[1]), created: content[2] === undefined };
  const dot = field.indexOf('.');
  if (dot === -1) return field === '' ? undefined : { type: 'root', name: field };
  const root = field.slice(0, dot);
  if (!TYPED_ROOTS.has(root)) return undefined;
  const rest = field.slice(dot + 1);
  const path: string[] = [];
  let remaining = rest;
  while (remaining !== '') {
    const next = remaining.indexOf('.');
    const segment = next === -1 ? remaining : remaining.slice(0, next);
    path.push(segment);
    remaining = next === -1 ? '' : remaining.slice(next + 1);
    if (segment === 'extra' && remaining !== '') {
      path.push(remaining);
      break;
    }
  }
  return { type: 'object', root: root as 'provenance' | 'outcome' | 'task', path };
}

/** The value a field path points at in `record`, or undefined. */
export function getFieldValue(record: JsonObject, ref: FieldRef): unknown {
  switch (ref.type) {
    case 'object': {
      let current: unknown = record[ref.root];
      for (const segment of ref.path) {
        if (!isJsonObject(current)) return undefined;
        current = current[segment];
      }
      return current;
    }
    case 'root':
      return record[ref.name];
    case 'artifact': {
      const artifacts = record.artifacts;
      if (!Array.isArray(artifacts)) return undefined;
      const found = artifacts.find((a) => isJsonObject(a) && a.name === ref.name) as JsonObject | undefined;
      return found?.content;
    }
    case 'content': {
      const content = record.content;
      const item = Array.isArray(content) ? content[ref.index] : undefined;
      return isJsonObject(item) ? item.content : undefined;
    }
    case 'details':
      return isJsonObject(record.details) ? record.details[ref.key] : undefined;
  }
}

/**
 * Sets a typed-object path (`provenance.agent.model`) on `record`, copying each object on the
 * way so the caller's input is never mutated.
 */
export function setObjectPath(record: JsonObject, root: string, path: readonly string[], value: unknown): void {
  const top: JsonObject = isJsonObject(record[root]) ? { ...(record[root] as JsonObject) } : {};
  record[root] = top;
  let current = top;
  for (let i = 0; i < path.length - 1; i++) {
    const next: JsonObject = isJsonObject(current[path[i]]) ? { ...(current[path[i]] as JsonObject) } : {};
    current[path[i]] = next;
    current = next;
  }
  current[path[path.length - 1]] = value;
}

/**
 * Deletes a typed-object path and prunes objects left empty (an empty `provenance` disappears),
 * copying on the way like {@link setObjectPath}.
 */
export function deleteObjectPath(record: JsonObject, root: string, path: readonly string[]): void {
  if (!isJsonObject(record[root])) return;
  const chain: JsonObject[] = [{ ...(record[root] as JsonObject) }];
  for (let i = 0; i < path.length - 1; i++) {
    const next = chain[i][path[i]];
    if (!isJsonObject(next)) return;
    chain.push({ ...next });
    chain[i][path[i]] = chain[i + 1];
  }
  delete chain[chain.length - 1][path[path.length - 1]];
  for (let i = chain.length - 1; i > 0; i--) {
    if (Object.keys(chain[i]).length === 0) delete chain[i - 1][path[i - 1]];
  }
  if (Object.keys(chain[0]).length === 0) delete record[root];
  else record[root] = chain[0];
}
