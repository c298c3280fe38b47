import { expandInputs, type InputFile } from '../io/inputs.js';
import { readRecords } from '../io/read-records.js';
import { trajectoryInputs } from './trajectory-files.js';
import { configResolver, type LintConfig } from './config.js';
import { lintRecord, type LintFinding } from './lint-record.js';
import { lintRules, type LintRuleId, type LintSeverity } from './rules.js';

/** A finding with the place of its record. */
export interface LocatedFinding extends LintFinding {
  file: string;
  /** 1-based line where the record starts; null for Parquet rows. */
  line: number | null;
  /** 0-based record index in the file. */
  index: number;
}

/** A record that could not be read, so was not linted. */
export interface UnreadableRecord {
  file: string;
  line: number | null;
  index: number;
  code: string;
  message: string;
}

/** Counts for one file. */
export interface FileLint {
  file: string;
  records: number;
  unreadable: number;
  errors: number;
  warnings: number;
  /** Findings per rule in this file. */
  byRule: Partial<Record<LintRuleId, number>>;
  /** The config file that applied, if any. */
  config?: string;
}

/** Count of one rule's findings. */
export interface RuleCount {
  severity: LintSeverity;
  count: number;
}

/** The outcome of {@link lintFiles}: exact counts, and the first `maxFindings` findings. */
export interface LintReport {
  files: number;
  records: number;
  unreadable: number;
  errorCount: number;
  warningCount: number;
  byFile: FileLint[];
  byRule: Partial<Record<LintRuleId, RuleCount>>;
  findings: LocatedFinding[];
  /** The first unreadable records (same limit as findings). */
  unreadableRecords: UnreadableRecord[];
  /** True when more findings exist than `findings` lists. */
  truncated: boolean;
}

export interface LintFilesOptions {
  /** One config for every file (from `--config`); default: the nearest config file per input. */
  config?: LintConfig;
  /** Working directory for the config search fallback; default `process.cwd()`. */
  cwd?: string;
  /** Findings (and unreadable records) to keep in the report; counts stay exact. Default 1000. */
  maxFindings?: number;
  /** Longest string in a record, in characters (default 1 MiB; `Infinity` for none). */
  maxStringLength?: number;
  /** Called every few records and after each file. */
  onProgress?: (progress: { file: string; fileIndex: number; fileCount: number; records: number; findings: number }) => void;
}

/** Events of {@link lintFilesStream}: `files`, then per file `file-end`, then `done`. */
export type LintEvent =
  | { type: 'files'; files: InputFile[] }
  | { type: 'file-end'; summary: FileLint; findings: LocatedFinding[] }
  | { type: 'done'; report: LintReport };

const PROGRESS_EVERY = 64;

/**
 * Lints every record of the given files and directories (anything `validate` reads), streaming:
 * memory holds one record plus at most `maxFindings` findings. An unreadable record is counted
 * and listed with the reader's reason; the batch goes on.
 */
export async function lintFiles(paths: string[], options: LintFilesOptions = {}): Promise<LintReport> {
  for await (const event of lintFilesStream(paths, options)) if (event.type === 'done') return event.report;
  throw new Error('lintFilesStream ended without a report');
}

/** {@link lintFiles} as a stream of events, for callers that print per file as they go. */
export async function* lintFilesStream(paths: string[], options: LintFilesOptions = {}): AsyncGenerator<LintEvent> {
  const maxFindings = options.maxFindings ?? 1000;
  const configFor = configResolver({ explicit: options.config, cwd: options.cwd });
  const files: InputFile[] = [];
  for await (const file of expandInputs(paths, trajectoryInputs)) files.push(file);
  yield { type: 'files', files };

  const report: LintReport = {
    files: files.length,
    records: 0,
    unreadable: 0,
    errorCount: 0,
    warningCount: 0,
    byFile: [],
    byRule: {},
    findings: [],
    unreadableRecords: [],
    truncated: false,
  };
  for (const [fileIndex, { path: file }] of files.entries()) {
    const config = await configFor(file);
    const summary: FileLint = { file, records: 0, unreadable: 0, errors: 0, warnings: 0, byRule: {} };
    if (config.source) summary.config = config.source;
    const listed: LocatedFinding[] = [];
    let fileFindings = 0;
    for await (const item of readRecords(file, { maxStringLength: options.maxStringLength })) {
      summary.records++;
      const at = { file, line: item.line ?? null, index: item.index };
      if (item.error) {
        summary.unreadable++;
        if (report.unreadableRecords.length < maxFindings) report.unreadableRecords.push({ ...at, code: item.error.code, message: item.error.message });
        continue;
      }
      const findings = lintRecord(item.record, { config });
      for (const finding of findings) {
        fileFindings++;
        if (finding.severity === 'error') summary.errors++;
        else summary.warnings++;
        summary.byRule[finding.rule] = (summary.byRule[finding.rule] ?? 0) + 1;
        const counted = (report.byRule[finding.rule] ??= { severity: lintRules[finding.rule].severity, count: 0 });
        counted.severity = finding.severity;
        counted.count++;
        if (report.findings.length < maxFindings) {
          const located = { ...at, ...finding };
          report.findings.push(located);
          listed.push(located);
        } else report.truncated = true;
      }
      if (options.onProgress && summary.records % PROGRESS_EVERY === 0) {
        options.onProgress({ file, fileIndex, fileCount: files.length, records: report.records + summary.records, findings: fileFindings });
      }
    }
    report.records += summary.records;
    report.unreadable += summary.unreadable;
    report.errorCount += summary.errors;
    report.warningCount += summary.warnings;
    report.byFile.push(summary);
    options.onProgress?.({ file, fileIndex, fileCount: files.length, records: report.records, findings: fileFindings });
    yield { type: 'file-end', summary, findings: listed };
  }
  yield { type: 'done', report };
}
