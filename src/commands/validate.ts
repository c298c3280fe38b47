import type { FileValidation, ValidationIssue, ValidationReport } from '../validate/validate-files.js';
import { defineCommand } from './command.js';
import { countNoun } from '../format/count-noun.js';
import { countArg, maxStringLengthOption, stringLengthLimit } from './options.js';

/** `trajkit validate <paths...>`: a thin layer over `validateFilesStream`. */
export const validateCommand = defineCommand({
  command: 'validate <paths...>',
  describe: 'Check trajectory files (ADP, ATIF, dataset metadata) record by record',
  builder: (y) =>
    y
      .positional('paths', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Files (.json, .jsonl, .ndjson, .gz of those, .parquet) or directories (searched recursively)',
      })
      .option('schema', {
        type: 'string',
        default: 'auto',
        describe: 'auto (detect per record), adp, atif, metadata, or a version: adp@1.3.0, adp@unversioned, atif@1.7',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON report on stdout' })
      .option('max-errors', { type: 'number', default: 1000, describe: 'List at most this many errors (counts stay exact)' })
      .option('max-string-length', maxStringLengthOption('invalid'))
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Only list files with problems, and the total' }),
  run: async (args) => {
    // Loaded on use, so other commands do not pay for the schemas at startup.
    const [{ parseSchemaSelector }, { validateFilesStream }, { createProgress }] = await Promise.all([
      import('../schema/validate-record.js'),
      import('../validate/validate-files.js'),
      import('../progress.js'),
    ]);
    const schema = parseSchemaSelector(args.schema);
    const maxErrors = countArg(args['max-errors'], 'max-errors');
    const maxStringLength = stringLengthLimit(args['max-string-length']);

    const progress = createProgress({ enabled: args.json || args.quiet ? false : undefined });
    const out = (text: string) => {
      progress.clear();
      process.stdout.write(text);
    };
    let report: ValidationReport | undefined;
    try {
      const events = validateFilesStream(args.paths, {
        schema,
        maxIssues: maxErrors,
        maxStringLength,
        onProgress: progress.enabled
          ? (p) =>
              progress.update({
                done: p.bytesDone,
                total: p.bytesTotal,
                text: `file ${p.fileIndex + 1}/${p.fileCount} ${p.file}: ${p.records.toLocaleString('en-US')} records, ${p.invalid.toLocaleString('en-US')} invalid`,
              })
          : undefined,
      });
      for await (const event of events) {
        if (event.type === 'done') report = event.report;
        else if (event.type === 'file-end' && !args.json) {
          if (args.quiet && event.summary.invalid === 0 && event.summary.warnings === 0) continue;
          out(formatFile(event.summary, event.errors, event.warnings));
        }
      }
    } finally {
      progress.done();
    }
    if (!report) throw new Error('validation ended without a report');

    if (args.json) process.stdout.write(`${JSON.stringify(toJson(report))}\n`);
    else process.stdout.write(formatTotal(report, maxErrors));
    return report.invalid > 0 ? 1 : 0;
  },
});


function where(issue: ValidationIssue): string {
  const at = issue.line !== null ? `${issue.file}:${issue.line}` : `${issue.file} (record ${issue.index})`;
  return issue.path === '' ? at : `${at} ${issue.path}`;
}

/** `file: 12 records, 2 invalid (adp@1.5.0 ×10, unknown ×2)` and its issues, one per line. */
function formatFile(summary: FileValidation, errors: ValidationIssue[], warnings: ValidationIssue[]): string {
  const verdict =
    summary.records === 0 ? 'no records' : summary.invalid === 0 ? `${countNoun(summary.records, 'record')}, all valid` : `${countNoun(summary.records, 'record')}, ${summary.invalid.toLocaleString('en-US')} invalid`;
  const schemas = Object.entries(summary.schemas)
    .map(([name, n]) => `${name} ×${n}`)
    .join(', ');
  const warned = summary.warnings > 0 ? `, ${countNoun(summary.warnings, 'warning')}` : '';
  let text = `${summary.file}: ${verdict}${warned}${schemas ? ` (${schemas})` : ''}\n`;
  // Record order, so a record's errors and warnings sit together.
  const issues = [...errors, ...warnings].sort((a, b) => a.index - b.index);
  for (const issue of issues) text += `  ${where(issue)}: ${issue.severity === 'warning' ? 'warning: ' : ''}${issue.message}\n`;
  return text;
}

function formatTotal(report: ValidationReport, maxErrors: number): string {
  let text =
    `${countNoun(report.files, 'file')}, ${countNoun(report.records, 'record')}: ` +
    `${report.valid.toLocaleString('en-US')} valid, ${report.invalid.toLocaleString('en-US')} invalid` +
    (report.warningCount > 0 ? `, ${countNoun(report.warningCount, 'warning')}` : '') +
    '\n';
  if (report.errorCount > report.errors.length) {
    text += `(listed the first ${countNoun(report.errors.length, 'error')} of ${report.errorCount.toLocaleString('en-US')}; see --max-errors, now ${maxErrors})\n`;
  }
  return text;
}

/** The `--json` document: the issue's shape (files, records, valid, invalid, errors) plus detail. */
function toJson(report: ValidationReport) {
  const issue = (i: ValidationIssue) => ({ file: i.file, line: i.line, index: i.index, path: i.path, code: i.code, message: i.message });
  return {
    files: report.files,
    records: report.records,
    valid: report.valid,
    invalid: report.invalid,
    errors: report.errors.map(issue),
    warnings: report.warnings.map(issue),
    errorCount: report.errorCount,
    warningCount: report.warningCount,
    byFile: report.byFile,
  };
}
