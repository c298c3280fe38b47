/**
 * A problem found in a task's input, as data: the batch goes on and reports it. `file` and
 * `line` (1-based) say where; `path` is the dot path of the field (`attempts.3.test_summary`).
 */
export interface PdiIssue {
  /** Stable code, e.g. `TK_PDI_MALFORMED_LINE`. */
  code: PdiIssueCode;
  message: string;
  task?: string;
  file?: string;
  line?: number;
  path?: string;
}

/** Every issue code the PDI engine and batch report. */
export type PdiIssueCode =
  | 'TK_PDI_MALFORMED_LINE'
  | 'TK_PDI_INVALID_RECORD'
  | 'TK_PDI_MISSING_ATTEMPT'
  | 'TK_PDI_DUPLICATE_EVENT'
  | 'TK_PDI_MEMO_REPLAY'
  | 'TK_PDI_NO_INPUT'
  | 'TK_PDI_UNREADABLE';

/** Renders an issue as one line: `file:line path: message`. */
export function formatPdiIssue(issue: PdiIssue): string {
  const where = [issue.file ?? issue.task, issue.line].filter((part) => part !== undefined).join(':');
  const path = issue.path ? ` ${issue.path}` : '';
  return `${where}${path}: ${issue.message}`;
}
