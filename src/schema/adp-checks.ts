import { z } from 'zod';
import type { AdpEra } from './adp-eras.js';
import { OLD_SOURCE_SPELLINGS } from './content-items.js';
import { addFindings, listOr } from './issue-text.js';
import { asJsonObject, type JsonObject } from './json-object.js';
import type { RuleFinding } from './record-issue.js';
import { checkToolCallLinks } from './tool-call-links.js';

/**
 * The ADP rules that look across items (links, available_code_languages) or only warn (ignored
 * keys, old spellings). They run on the raw record, so they also report on records whose
 * structure is broken, and never assume a field has the right type.
 */

/**
 * Spec §5 (1.5.0+): when present, `available_code_languages` equals the set of languages the
 * code actions use. ADP's sample tests also required it whenever code actions exist; its models
 * did not, so an absent list is a warning.
 */
export function checkAvailableCodeLanguages(record: JsonObject, label: string): RuleFinding[] {
  const content = Array.isArray(record.content) ? record.content : [];
  const usedAt = new Map<string, number>();
  content.forEach((value, index) => {
    const item = asJsonObject(value);
    if (item?.class_ === 'code_action' && typeof item.language === 'string' && !usedAt.has(item.language)) {
      usedAt.set(item.language, index);
    }
  });

  const listed = record.available_code_languages;
  if (listed === undefined || listed === null) {
    if (usedAt.size === 0) return [];
    return [
      {
        path: ['available_code_languages'],
        code: 'available_code_languages_absent',
        severity: 'warning',
        message: `the record has code actions (${listOr([...usedAt.keys()].sort())}) but no available_code_languages; ADP's sample tests required it from 1.5.0 (${label} models accept its absence)`,
      },
    ];
  }
  if (!Array.isArray(listed)) return [];

  const findings: RuleFinding[] = [];
  const available = new Set(listed.filter((l): l is string => typeof l === 'string'));
  for (const [language, index] of usedAt) {
    if (!available.has(language)) {
      findings.push({
        path: ['available_code_languages'],
        code: 'available_code_languages_missing',
        severity: 'error',
        message: `available_code_languages lacks "${language}", which content[${index}] (code_action) uses; it must list exactly the languages used`,
      });
    }
  }
  for (const language of available) {
    if (!usedAt.has(language)) {
      findings.push({
        path: ['available_code_languages'],
        code: 'available_code_languages_unused',
        severity: 'error',
        message: `available_code_languages lists "${language}", but no code_action uses it; it must list exactly the languages used`,
      });
    }
  }
  return findings;
}

/** Known keys of an object schema, for the "unknown key ignored" warnings. */
export function shapeKeys(schema: z.ZodObject): ReadonlySet<string> {
  return new Set(Object.keys(schema.shape));
}

/** Known keys per content class, from a `class_`-discriminated union of object schemas. */
export function classKeys(union: z.ZodDiscriminatedUnion<z.ZodObject[]>): ReadonlyMap<string, ReadonlySet<string>> {
  const map = new Map<string, ReadonlySet<string>>();
  for (const option of union.options) {
    const cls = (option.shape.class_ as z.ZodLiteral<string>).value;
    map.set(cls, shapeKeys(option));
  }
  return map;
}

/** What the cross-item and warning checks need to know about one era's model. */
export interface AdpEraShape {
  era: AdpEra;
  rootKeys: ReadonlySet<string>;
  itemKeys: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Every finding for one era that its item and root schemas do not produce themselves. */
export function checkAdpRecord(shape: AdpEraShape, record: unknown): RuleFinding[] {
  const root = asJsonObject(record);
  if (!root) return [];
  const { era } = shape;
  const findings: RuleFinding[] = [];

  if (era.rootUnknownKeys === 'ignore') {
    for (const key of Object.keys(root)) {
      if (!shape.rootKeys.has(key)) {
        findings.push({
          path: [key],
          code: 'unknown_key_ignored',
          severity: 'warning',
          message: `unknown root key "${key}" (${era.label} ignored unknown root keys; it is kept but has no meaning)`,
        });
      }
    }
  }

  const content = Array.isArray(root.content) ? root.content : undefined;
  if (content && (era.itemUnknownKeys === 'ignore' || era.oldSourceSpellings)) {
    content.forEach((value, index) => {
      const item = asJsonObject(value);
      const cls = typeof item?.class_ === 'string' ? item.class_ : undefined;
      const known = cls === undefined ? undefined : shape.itemKeys.get(cls);
      if (!item || !known) return;
      if (era.itemUnknownKeys === 'ignore') {
        for (const key of Object.keys(item)) {
          if (!known.has(key)) {
            findings.push({
              path: ['content', index, key],
              code: 'unknown_key_ignored',
              severity: 'warning',
              message: `unknown key "${key}" on ${cls} (${era.label} ignored unknown item keys; it is kept but has no meaning)`,
            });
          }
        }
      }
      if (era.oldSourceSpellings && typeof item.source === 'string' && Object.hasOwn(OLD_SOURCE_SPELLINGS, item.source)) {
        const mapped = OLD_SOURCE_SPELLINGS[item.source as keyof typeof OLD_SOURCE_SPELLINGS];
        findings.push({
          path: ['content', index, 'source'],
          code: 'old_source_spelling',
          severity: 'warning',
          message: `source "${item.source}" is an old spelling; readers take it as "${mapped}"${item.source === 'system' ? ' with name "system"' : ''}, writers never emit it`,
        });
      }
    });
  }

  if (era.toolCallIds) findings.push(...checkToolCallLinks(root.content, 'ADP 1.3.0'));
  if (era.availableCodeLanguages) findings.push(...checkAvailableCodeLanguages(root, era.label));
  return findings;
}

// The rules read the raw shape defensively, so they run even when the structure has issues:
// one parse reports everything, as validateRecord does.
const ALWAYS = { when: () => true };

/**
 * Turns an era's root structure into its full zod model: the cross-item errors become zod
 * issues (warnings stay out: zod has no warnings), so `Model.parse` judges like validateRecord.
 */
export function withEraRules<T extends z.ZodObject>(structure: T, shape: AdpEraShape): T {
  return structure.superRefine((record, ctx) => addFindings(ctx, checkAdpRecord(shape, record)), ALWAYS);
}
