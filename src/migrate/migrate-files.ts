import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { isHfUri } from '../hub/hf-uri.js';
import { expandInputs, type InputFile } from '../io/inputs.js';
import { readRecords } from '../io/read-records.js';
import { trajectoryInputs } from '../lint/trajectory-files.js';
import { openRecordWriter, type RecordWriter } from '../io/record-writer.js';
import { configResolver, type LintConfig } from '../lint/config.js';
import type { LocatedFinding, RuleCount } from '../lint/lint-files.js';
import { lintRules, type LintRuleId } from '../lint/rules.js';
import { migrateRecord, type MigrateTarget } from './migrate-record.js';

/** A record that could not be read or migrated: it is not in the output, and this says why. */
export interface FailedRecord {
  file: string;
  line: number | null;
  index: number;
  /** JSON path inside the record, `""` for the whole record. */
  path: string;
  message: string;
}

/** Counts for one input file. */
export interface FileMigration {
  file: string;
  records: number;
  migrated: number;
  failed: number;
  /** Migrated records that still carry lint findings (keys that stayed in details, and why). */
  withFindings: number;
  /** Where this file's records went. */
  output?: string;
  /** In-place only: true when the file was rewritten (false: left untouched because a record failed). */
  rewritten?: boolean;
}

/** The outcome of {@link migrateFiles}. Counts are exact; lists stop at `maxFindings`. */
export interface MigrationReport {
  to: MigrateTarget;
  files: number;
  records: number;
  migrated: number;
  failed: number;
  withFindings: number;
  errorCount: number;
  warningCount: number;
  byRule: Partial<Record<LintRuleId, RuleCount>>;
  /** Where the input schemas came from: `adp@unversioned` ×N, `atif@1.7` ×N, …. */
  from: Record<string, number>;
  byFile: FileMigration[];
  findings: LocatedFinding[];
  failures: FailedRecord[];
  truncated: boolean;
  /** Output files written (committed atomically). */
  outputs: string[];
}

export interface MigrateFilesOptions {
  /** One output file for all records (format from its name: .jsonl, .jsonl.gz, .json, .parquet). */
  out?: string;
  /** Rewrite each input file in place (atomically; a file with a failed record is left untouched). */
  inPlace?: boolean;
  /** Target version; default 1.6.0. */
  to?: MigrateTarget;
  /** One config for every file; default: the nearest config file per input. */
  config?: LintConfig;
  cwd?: string;
  /** Findings and failures to keep in the report (default 1000); counts stay exact. */
  maxFindings?: number;
  maxStringLength?: number;
  onProgress?: (progress: { file: string; fileIndex: number; fileCount: number; records: number }) => void;
}

const PROGRESS_EVERY = 64;

/**
 * Migrates every record of the given files (see `migrateRecord`), streaming, into one `out` file
 * or back into each input (`inPlace`). Output is written atomically (temp file, then rename);
 * inputs are never modified unless `inPlace` is set, and an in-place file with a record that
 * could not be read or migrated is left as it was (nothing is dropped). A record that fails is
 * reported with file, line and reason; the batch goes on.
 */
export async function migrateFiles(paths: string[], options: MigrateFilesOptions): Promise<MigrationReport> {
  const to = options.to ?? '1.6.0';
  const maxFindings = options.maxFindings ?? 1000;
  if (!options.out === !options.inPlace) throw new UsageError('give exactly one of --out <file> or --in-place');
  if (options.inPlace) {
    const remote = paths.find(isHfUri);
    if (remote) throw new UsageError(`${remote}: cannot rewrite a Hub file in place; use --out`);
  }
  const configFor = configResolver({ explicit: options.config, cwd: options.cwd });
  const files: InputFile[] = [];
  for await (const file of expandInputs(paths, trajectoryInputs)) files.push(file);
  if (options.out) {
    const out = resolve(options.out);
    const clash = files.find((f) => resolve(f.path) === out);
    if (clash) throw new UsageError(`--out ${options.out} is also an input; use --in-place to rewrite inputs`);
  }

  const report: MigrationReport = {
    to,
    files: files.length,
    records: 0,
    migrated: 0,
    failed: 0,
    withFindings: 0,
    errorCount: 0,
    warningCount: 0,
    byRule: {},
    from: {},
    byFile: [],
    findings: [],
    failures: [],
    truncated: false,
    outputs: [],
  };

  const shared = options.out ? await openRecordWriter(options.out) : undefined;
  try {
    for (const [fileIndex, { path: file }] of files.entries()) {
      const config = await configFor(file);
      const summary: FileMigration = { file, records: 0, migrated: 0, failed: 0, withFindings: 0 };
      const writer: RecordWriter = shared ?? (await openRecordWriter(file));
      summary.output = writer.path;
      let pending: Promise<void> | undefined;
      try {
        for await (const item of readRecords(file, { maxStringLength: options.maxStringLength })) {
          summary.records++;
          const at = { file, line: item.line ?? null, index: item.index };
          const fail = (path: string, message: string) => {
            summary.failed++;
            if (report.failures.length < maxFindings) report.failures.push({ ...at, path, message });
            else report.truncated = true;
          };
          if (item.error) {
            fail(item.error.path ?? '', item.error.message);
            continue;
          }
          const result = migrateRecord(item.record, { to, config });
          report.from[result.from] = (report.from[result.from] ?? 0) + 1;
          if (!result.record) {
            const first = result.problems[0];
            fail(first?.path ?? '', result.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ') || 'could not migrate');
            continue;
          }
          for (const problem of result.problems) {
            // The record was migrated, but something in it needs a person's attention.
            if (report.failures.length < maxFindings) report.failures.push({ ...at, path: problem.path, message: `migrated with a problem: ${problem.message}` });
          }
          // One write in flight while the next record is read and migrated: the disk and the
          // CPU work side by side, and waiting before the next write keeps backpressure.
          if (pending) await pending;
          pending = writer.write(result.record);
          pending.catch(() => {}); // awaited below; this only keeps Node from calling it unhandled meanwhile
          summary.migrated++;
          if (result.findings.length > 0) summary.withFindings++;
          for (const finding of result.findings) {
            if (finding.severity === 'error') report.errorCount++;
            else report.warningCount++;
            const counted = (report.byRule[finding.rule] ??= { severity: lintRules[finding.rule].severity, count: 0 });
            counted.severity = finding.severity;
            counted.count++;
            if (report.findings.length < maxFindings) report.findings.push({ ...at, ...finding });
            else report.truncated = true;
          }
          if (options.onProgress && summary.records % PROGRESS_EVERY === 0) {
            options.onProgress({ file, fileIndex, fileCount: files.length, records: report.records + summary.records });
          }
        }
        if (pending) await pending;
        pending = undefined;
        if (!shared) {
          // Never rewrite an input that would lose a record.
          if (summary.failed > 0) {
            await writer.abort();
            summary.rewritten = false;
          } else {
            await writer.close();
            summary.rewritten = true;
            report.outputs.push(writer.path);
          }
        }
      } catch (error) {
        await pending?.catch(() => {});
        if (!shared) await writer.abort();
        throw error;
      }
      report.records += summary.records;
      report.migrated += summary.migrated;
      report.failed += summary.failed;
      report.withFindings += summary.withFindings;
      report.byFile.push(summary);
      options.onProgress?.({ file, fileIndex, fileCount: files.length, records: report.records });
    }
    if (shared) {
      await shared.close();
      report.outputs.push(shared.path);
    }
  } catch (error) {
    await shared?.abort();
    throw error;
  }
  return report;
}
