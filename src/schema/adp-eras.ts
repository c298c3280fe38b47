/**
 * The ADP eras as data: what each schema version accepts and how it writes. The zod models in
 * `eras/` are built from these facts, and writers read the null rules from here.
 */

/** Every ADP `schema_version` found in real data, oldest first, then trajkit's own 1.6.0. */
export const ADP_VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.3.1', '1.3.2', '1.4.0', '1.5.0'] as const;
/** trajkit's schema version: ADP 1.5.0 plus the typed fields promoted from `details`. */
export const TRAJKIT_SCHEMA_VERSION = '1.6.0';

export type AdpVersion = (typeof ADP_VERSIONS)[number];

/** Names of the ADP-family record schemas, one per era. */
export type AdpEraName =
  | 'adp@unversioned'
  | 'adp@1.0.0'
  | 'adp@1.1.0'
  | 'adp@1.2.0'
  | 'adp@1.3.0'
  | 'adp@1.3.1'
  | 'adp@1.3.2'
  | 'adp@1.4.0'
  | 'adp@1.5.0'
  | 'adp@1.6.0';

/** What one era's models accept and what its writers emit. */
export interface AdpEra {
  readonly name: AdpEraName;
  /** The `schema_version` this era writes; undefined for unversioned records. */
  readonly version: string | undefined;
  /** For messages: "ADP 1.3.0", "unversioned ADP", "trajkit 1.6.0". */
  readonly label: string;
  /** `schema_version` values the era's model accepts (ADP's supported lists were cumulative). */
  readonly acceptedVersions: readonly string[];
  /** Unknown root keys: ignored (kept, with a warning) or rejected. */
  readonly rootUnknownKeys: 'ignore' | 'reject';
  /** Unknown content-item keys: ignored (kept, with a warning) or rejected. */
  readonly itemUnknownKeys: 'ignore' | 'reject';
  /** `details` values: strings only (U, 1.0.0) or any JSON. */
  readonly detailsValues: 'string' | 'json';
  /** Actions and observations carry `tool_call_id`, and the link rules apply (1.3.0+). */
  readonly toolCallIds: boolean;
  /** Root key listing the instance's tools, if the era has one. */
  readonly availableToolsKey: 'available_apis' | 'available_custom_tools' | undefined;
  /** Root `available_code_languages` exists (1.5.0+). */
  readonly availableCodeLanguages: boolean;
  /**
   * Whether writers emit the base fields `reasoning_content` / `reward` as `null` when unset
   * (1.1.0, 1.2.0) or omit them (all other eras; 1.3.0+ also omit a null `tool_call_id`).
   */
  readonly emitsNullBaseFields: boolean;
  /** Old `source` spellings (`user_msg`, `system`, `assistant`) are accepted (with a warning). */
  readonly oldSourceSpellings: boolean;
  /** trajkit 1.6.0's typed root fields exist, and `details` must not hold the keys they replace. */
  readonly typedFields: boolean;
}

function upTo(version: AdpVersion | typeof TRAJKIT_SCHEMA_VERSION): readonly string[] {
  const all: readonly string[] = [...ADP_VERSIONS, TRAJKIT_SCHEMA_VERSION];
  return all.slice(0, all.indexOf(version) + 1);
}

const base = {
  rootUnknownKeys: 'reject',
  itemUnknownKeys: 'reject',
  detailsValues: 'json',
  toolCallIds: true,
  availableToolsKey: 'available_apis',
  availableCodeLanguages: false,
  emitsNullBaseFields: false,
  oldSourceSpellings: false,
  typedFields: false,
} as const;

function era(name: AdpEraName, version: AdpVersion | typeof TRAJKIT_SCHEMA_VERSION, facts: Partial<AdpEra>): AdpEra {
  const label = version === TRAJKIT_SCHEMA_VERSION ? `trajkit ${version}` : `ADP ${version}`;
  return { ...base, name, version, label, acceptedVersions: upTo(version), ...facts };
}

const pre13 = { itemUnknownKeys: 'ignore', toolCallIds: false } as const;

/** Every era, keyed by schema name. */
export const ADP_ERAS: Readonly<Record<AdpEraName, AdpEra>> = {
  'adp@unversioned': {
    ...base,
    ...pre13,
    name: 'adp@unversioned',
    version: undefined,
    label: 'unversioned ADP',
    acceptedVersions: [],
    rootUnknownKeys: 'ignore',
    detailsValues: 'string',
    availableToolsKey: undefined,
    oldSourceSpellings: true,
  },
  'adp@1.0.0': era('adp@1.0.0', '1.0.0', {
    ...pre13,
    rootUnknownKeys: 'ignore',
    detailsValues: 'string',
    availableToolsKey: undefined,
  }),
  'adp@1.1.0': era('adp@1.1.0', '1.1.0', { ...pre13, emitsNullBaseFields: true }),
  'adp@1.2.0': era('adp@1.2.0', '1.2.0', { ...pre13, emitsNullBaseFields: true }),
  'adp@1.3.0': era('adp@1.3.0', '1.3.0', {}),
  'adp@1.3.1': era('adp@1.3.1', '1.3.1', {}),
  'adp@1.3.2': era('adp@1.3.2', '1.3.2', {}),
  'adp@1.4.0': era('adp@1.4.0', '1.4.0', { availableToolsKey: 'available_custom_tools' }),
  'adp@1.5.0': era('adp@1.5.0', '1.5.0', { availableToolsKey: 'available_custom_tools', availableCodeLanguages: true }),
  'adp@1.6.0': era('adp@1.6.0', TRAJKIT_SCHEMA_VERSION, {
    availableToolsKey: 'available_custom_tools',
    availableCodeLanguages: true,
    typedFields: true,
  }),
};

/** The era whose writer emits `schema_version`, or undefined for an unknown version. */
export function eraForVersion(version: string): AdpEra | undefined {
  return Object.values(ADP_ERAS).find((e) => e.version === version);
}

/** Keys that must not appear in a 1.6.0 `details` (ADP test rule, spec §8). */
export const FORBIDDEN_DETAILS_KEYS = [
  'available_apis',
  'available_custom_tools',
  'available_code_languages',
  'system_prompt',
] as const;
