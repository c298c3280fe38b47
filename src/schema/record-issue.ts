/** One problem found in one record. Issues are data: a batch collects them and goes on. */
export interface RecordIssue {
  /** JSON path inside the record, e.g. `content[3].tool_call_id`; the root is `""`. */
  path: string;
  /** Stable rule name, e.g. `invalid_type`, `unknown_key`, `tool_call_id_missing`. */
  code: string;
  /** For people: what was expected and what was found. */
  message: string;
  /** `error` makes the record invalid; `warning` is worth knowing but the record stays valid. */
  severity: 'error' | 'warning';
}

/** A path as segments, before it is rendered; numbers are array indexes. */
export type PathSegments = readonly (string | number)[];

/** A rule's finding before its path is rendered (the form rule checks return). */
export interface RuleFinding {
  path: PathSegments;
  code: string;
  message: string;
  severity: 'error' | 'warning';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Renders path segments as a JSON path: `content[3].tool_call_id`, `details["run id"]`; `""` for
 * the root. Keys that are not identifiers are quoted so the path stays unambiguous.
 */
export function formatPath(segments: PathSegments): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Builds an issue from path segments. */
export function issueAt(
  path: PathSegments,
  code: string,
  message: string,
  severity: RecordIssue['severity'] = 'error',
): RecordIssue {
  return { path: formatPath(path), code, message, severity };
}
