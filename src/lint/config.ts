import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { findConceptKey, type ConceptKey } from './concepts.js';
import { isLintRuleId, lintRuleIds, lintRules, type LintRuleId, type RuleSetting } from './rules.js';
import { resolveTarget, typedFieldPaths, type FieldTarget } from './typed-targets.js';

/** The default `largeValueBytes`: details values above 32 KiB are reported as blobs. */
export const DEFAULT_LARGE_VALUE_BYTES = 32 * 1024;

/** Mapping target that declares a key dataset-specific: it stays in details, whatever its name. */
export const KEEP_IN_DETAILS = 'details';

/** The config file as written (`trajkit.config.json`, or the `trajkit` key of package.json). */
export const LintConfigFile = z
  .object({
    rules: z.record(z.string(), z.enum(['off', 'warn', 'error'])).optional(),
    mappings: z.record(z.string(), z.string()).optional(),
    largeValueBytes: z.number().int().positive().optional(),
  })
  .strict();

export type LintConfigFile = z.infer<typeof LintConfigFile>;

/** Where a details key goes under a config: its typed target, and why. */
export interface KeyRoute {
  target: FieldTarget;
  /** The built-in concept entry, when the key (or an alternate spelling) is one. */
  concept?: ConceptKey;
  /** True when the route comes from the config's `mappings`. */
  mapped: boolean;
}

/** A config with every default filled in, ready for `lintRecord` / `migrateRecord`. */
export interface LintConfig {
  rules: Readonly<Record<LintRuleId, RuleSetting>>;
  mappings: Readonly<Record<string, string>>;
  largeValueBytes: number;
  /** The file the config came from, if any. */
  source?: string;
  /** The route of a details key, or undefined for a dataset-specific key. Cached per key. */
  route(key: string): KeyRoute | undefined;
  /** True when a rule is not off. */
  enabled(rule: LintRuleId): boolean;
}

/**
 * Builds a {@link LintConfig} from a config file's contents (validated) plus defaults. Throws
 * InputError naming `source` and the bad entry when a rule id or a mapping target is unknown.
 */
export function resolveLintConfig(file: unknown = {}, source?: string): LintConfig {
  const where = source ?? 'lint config';
  const parsed = LintConfigFile.safeParse(file);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || '(root)';
    throw new InputError(where, `${path}: ${issue?.message ?? 'invalid config'}`);
  }
  const rules = Object.fromEntries(lintRuleIds.map((id) => [id, lintRules[id].severity])) as Record<LintRuleId, RuleSetting>;
  for (const [id, setting] of Object.entries(parsed.data.rules ?? {})) {
    if (!isLintRuleId(id)) throw new InputError(where, `rules: unknown rule "${id}" (known: ${lintRuleIds.join(', ')})`);
    rules[id] = setting;
  }
  const mappings = parsed.data.mappings ?? {};
  const mapped = new Map<string, KeyRoute | undefined>();
  for (const [key, spec] of Object.entries(mappings)) {
    if (spec === KEEP_IN_DETAILS) {
      mapped.set(key, undefined);
      continue;
    }
    const target = resolveTarget(spec, key);
    if (!target) {
      throw new InputError(
        where,
        `mappings.${key}: "${spec}" is not a typed field; use "${KEEP_IN_DETAILS}" or one of ${typedFieldPaths().join(', ')}`,
      );
    }
    mapped.set(key, { target, concept: findConceptKey(key), mapped: true });
  }

  const cache = new Map<string, KeyRoute | undefined>();
  return {
    rules,
    mappings,
    largeValueBytes: parsed.data.largeValueBytes ?? DEFAULT_LARGE_VALUE_BYTES,
    source,
    enabled: (rule) => rules[rule] !== 'off',
    route(key) {
      if (mapped.has(key)) return mapped.get(key);
      if (cache.has(key)) return cache.get(key);
      const concept = findConceptKey(key);
      const target = concept ? resolveTarget(concept.target, key) : undefined;
      const route = concept && target ? { target, concept, mapped: false } : undefined;
      cache.set(key, route);
      return route;
    },
  };
}

/** The built-in defaults (no config file). */
export const defaultLintConfig: LintConfig = resolveLintConfig({});

/** The config file names looked for in each folder, in order. */
export const CONFIG_FILE_NAME = 'trajkit.config.json';

/**
 * Reads one config file: `trajkit.config.json` (the whole file) or a `package.json` (its
 * `trajkit` key; undefined when it has none). Throws InputError on bad JSON or bad contents.
 */
export async function loadLintConfigFile(path: string): Promise<LintConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(path, `cannot read config (${(error as NodeJS.ErrnoException).code ?? String(error)})`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(path, `not valid JSON: ${(error as Error).message}`);
  }
  if (path.endsWith('package.json')) {
    const section = (json as Record<string, unknown> | null)?.trajkit;
    return section === undefined ? undefined : resolveLintConfig(section, `${path} ("trajkit" key)`);
  }
  return resolveLintConfig(json, path);
}

/**
 * Finds the config that applies to files in `dir`: the nearest `trajkit.config.json`, or
 * `package.json` with a `trajkit` key, walking up to the filesystem root. Undefined when none.
 */
export async function findLintConfig(dir: string): Promise<LintConfig | undefined> {
  let current = resolve(dir);
  for (;;) {
    const own = join(current, CONFIG_FILE_NAME);
    if (existsSync(own)) return loadLintConfigFile(own);
    const pkg = join(current, 'package.json');
    if (existsSync(pkg)) {
      const config = await loadLintConfigFile(pkg);
      if (config) return config;
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * Returns a function giving the config for an input file: `explicit` when given (from `--config`),
 * else the nearest config above the file, else the nearest above the working directory, else
 * the defaults. Lookups are cached per folder.
 */
export function configResolver(options: { explicit?: LintConfig; cwd?: string } = {}): (file: string) => Promise<LintConfig> {
  const cache = new Map<string, Promise<LintConfig | undefined>>();
  const lookup = (dir: string) => {
    let hit = cache.get(dir);
    if (!hit) {
      hit = findLintConfig(dir);
      cache.set(dir, hit);
    }
    return hit;
  };
  return async (file) => {
    if (options.explicit) return options.explicit;
    return (await lookup(dirname(resolve(file)))) ?? (await lookup(resolve(options.cwd ?? process.cwd()))) ?? defaultLintConfig;
  };
}
