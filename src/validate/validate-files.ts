import { basename } from 'node:path';
import { expandInputs, type InputFile } from '../io/inputs.js';
import { readRecords, type RecordItem } from '../io/read-records.js';
import { recordFileType } from '../io/record-format.js';
import type { DuckDBSettings } from '../io/parquet.js';
import { validateRecord, type SchemaName, type SchemaSelector } from '../schema/validate-record.js';

/** One problem in one record, located well enough for a person to open the file and look. */
export interface ValidationIssue {
  file: string;
  /** 1-based line where the record starts; null for Parquet rows. */
  line: number | null;
  /** 0-based record index in the file. */
  index: number;
  /** JSON path inside the record (`content[3].source`); `""` for the record as a whole. */
  path: string;
  /** Stable rule name: a schema issue code, or a reader code such as `json-syntax`. */
  code: string;
  message: string;
  severity: 'error' | 'warning';
}

/** Counts for one file. */
export interface FileValidation {
  file: string;
  records: number;
  valid: number;
  invalid: number;
  /** Warnings (records with warnings stay valid). */
  warnings: number;
  /** How many records were judged by each schema; `unknown` when none could be told. */
  schemas: Partial<Record<SchemaName | 'unknown', number>>;
}

/** The outcome of {@link validateFiles}. Counts are exact; issue lists stop at `maxIssues`. */
export interface ValidationReport {
  files: number;
  records: number;
  valid: number;
  invalid: number;
  /** The first errors, in file order. */
  errors: ValidationIssue[];
  /** The first warnings, in file order. */
  warnings: ValidationIssue[];
  /** All errors found, including those not listed. */
  errorCount: number;
  warningCount: number;
  byFile: FileValidation[];
}

/** Where a run is, for progress displays. */
export interface ValidationProgress {
  file: string;
  /** 0-based index of the current file. */
  fileIndex: number;
  fileCount: number;
  records: number;
  invalid: number;
  /** Bytes of input behind us (compressed and Parquet files count once they are done). */
  bytesDone: number;
  bytesTotal: number;
}

/** Options for {@link validateFiles}. */
export interface ValidateFilesOptions {
  /** Which schema to judge by: `auto` (per record), `adp`, `atif`, `metadata` or an exact version. */
  schema?: SchemaSelector;
  /** How many errors (and, separately, warnings) to keep in the report (default 1000). */
  maxIssues?: number;
  /** Longest string allowed in a record, in characters (default 1 MiB; `Infinity` for none). */
  maxStringLength?: number;
  /** Parquet: DuckDB threads and memory limit. */
  duckdb?: DuckDBSettings;
  /** Called now and then while records are checked (the caller throttles drawing). */
  onProgress?: (progress: ValidationProgress) => void;
}

/** Events of {@link validateFilesStream}, in order: `files`, then per file `file-start` … `file-end`, then `done`. */
export type ValidationEvent =
  | { type: 'files'; files: InputFile[] }
  | { type: 'file-start'; file: string; fileIndex: number }
  | {
      type: 'file-end';
      summary: FileValidation;
      /** This file's errors and warnings that made it into the report's lists. */
      errors: ValidationIssue[];
      warnings: ValidationIssue[];
    }
  | { type: 'done'; report: ValidationReport };

const PROGRESS_EVERY = 64;

/**
 * Validates every record of the given files and directories (see `expandInputs`), streaming:
 * memory holds one record at a time plus at most `maxIssues` issues. Unreadable records are
 * counted invalid with the reader's reason; nothing stops the batch except a path that cannot
 * be opened (`InputError`).
 */
export async function validateFiles(paths: string[], options: ValidateFilesOptions = {}): Promise<ValidationReport> {
  for await (const event of validateFilesStream(paths, options)) if (event.type === 'done') return event.report;
  throw new Error('validateFilesStream ended without a report');
}

/** {@link validateFiles} as a stream of events, for callers that print per file as they go. */
export async function* validateFilesStream(paths: string[], options: ValidateFilesOptions = {}): AsyncGenerator<ValidationEvent> {
  const selector = options.schema ?? 'auto';
  const maxIssues = options.maxIssues ?? 1000;

  const files: InputFile[] = [];
  for await (const file of expandInputs(paths)) files.push(file);
  yield { type: 'files', files };

  const report: ValidationReport = {
    files: files.length,
    records: 0,
    valid: 0,
    invalid: 0,
    errors: [],
    warnings: [],
    errorCount: 0,
    warningCount: 0,
    byFile: [],
  };
  const bytesTotal = files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  let bytesBefore = 0;

  for (const [fileIndex, input] of files.entries()) {
    const file = input.path;
    yield { type: 'file-start', file, fileIndex };
    const summary: FileValidation = { file, records: 0, valid: 0, invalid: 0, warnings: 0, schemas: {} };
    const fileErrors: ValidationIssue[] = [];
    const fileWarnings: ValidationIssue[] = [];
    // Progress inside a file follows the text read, which matches the file size only for plain text.
    const type = recordFileType(file);
    const countBytes = type !== undefined && !type.gzip && type.format !== 'parquet';
    let bytesInFile = 0;
    // ADP keeps dataset metadata in files named metadata.json; judge those as metadata.
    const fileSelector: SchemaSelector = selector === 'auto' && basename(file) === 'metadata.json' ? 'metadata' : selector;

    const keep = (issue: ValidationIssue) => {
      if (issue.severity === 'error') {
        report.errorCount++;
        if (report.errors.length < maxIssues) {
          report.errors.push(issue);
          fileErrors.push(issue);
        }
      } else {
        report.warningCount++;
        summary.warnings++;
        if (report.warnings.length < maxIssues) {
          report.warnings.push(issue);
          fileWarnings.push(issue);
        }
      }
    };

    for await (const item of readRecords(file, { maxStringLength: options.maxStringLength, duckdb: options.duckdb })) {
      summary.records++;
      if (countBytes && item.byteLength !== undefined) bytesInFile += item.byteLength + 1;
      if (checkItem(item, fileSelector, summary, keep)) summary.valid++;
      else summary.invalid++;
      if (options.onProgress && summary.records % PROGRESS_EVERY === 0) {
        options.onProgress({
          file,
          fileIndex,
          fileCount: files.length,
          records: report.records + summary.records,
          invalid: report.invalid + summary.invalid,
          bytesDone: bytesBefore + Math.min(bytesInFile, input.size ?? 0),
          bytesTotal,
        });
      }
    }

    bytesBefore += input.size ?? 0;
    report.records += summary.records;
    report.valid += summary.valid;
    report.invalid += summary.invalid;
    report.byFile.push(summary);
    options.onProgress?.({ file, fileIndex, fileCount: files.length, records: report.records, invalid: report.invalid, bytesDone: bytesBefore, bytesTotal });
    yield { type: 'file-end', summary, errors: fileErrors, warnings: fileWarnings };
  }
  yield { type: 'done', report };
}

/** Judges one item; returns whether the record is valid. */
function checkItem(
  item: RecordItem,
  selector: SchemaSelector,
  summary: FileValidation,
  keep: (issue: ValidationIssue) => void,
): boolean {
  const at = { file: item.file, line: item.line ?? null, index: item.index };
  if (item.error) {
    keep({ ...at, path: item.error.path ?? '', code: item.error.code, message: item.error.message, severity: 'error' });
    return false;
  }
  const verdict = validateRecord(item.record, selector);
  const schema = verdict.schema ?? 'unknown';
  summary.schemas[schema] = (summary.schemas[schema] ?? 0) + 1;
  let errors = 0;
  for (const issue of verdict.issues) {
    if (issue.severity === 'error') errors++;
    keep({ ...at, path: issue.path, code: issue.code, message: issue.message, severity: issue.severity });
  }
  // A verdict is the judge; make sure an invalid record always names at least one reason.
  if (!verdict.valid && errors === 0) {
    keep({ ...at, path: '', code: 'invalid', message: `not a valid ${schema} record`, severity: 'error' });
  }
  return verdict.valid;
}
