import { formatFinding, formatRuleCounts, where } from '../lint/format-report.js';
import { countNoun } from '../format/count-noun.js';
import type { FailedRecord, FileMigration, MigrationReport } from './migrate-files.js';

function formatFile(f: FileMigration): string {
  const parts = [`${f.migrated.toLocaleString('en-US')}/${countNoun(f.records, 'record')} migrated`];
  if (f.failed > 0) parts.push(`${f.failed.toLocaleString('en-US')} failed`);
  if (f.withFindings > 0) parts.push(`${f.withFindings.toLocaleString('en-US')} with findings left`);
  const dest = f.rewritten === false ? ' (left untouched: a record failed)' : f.output ? ` → ${f.output}` : '';
  return `${f.file}: ${parts.join(', ')}${dest}\n`;
}

function formatFailure(f: FailedRecord): string {
  return `${where(f)}${f.path ? ` ${f.path}` : ''}: ${f.message}\n`;
}

/** The human report of `trajkit migrate` / `trajkit lint --fix`. */
export function formatMigrationReport(report: MigrationReport, maxFindings: number): string {
  let text = report.byFile.map(formatFile).join('');
  text += formatRuleCounts(report.byRule);
  if (report.findings.length > 0) text += `left in details (findings on the output):\n${report.findings.map(formatFinding).join('')}`;
  if (report.failures.length > 0) text += `problems:\n${report.failures.map(formatFailure).join('')}`;
  const from = Object.entries(report.from)
    .map(([name, n]) => `${name} ×${n}`)
    .join(', ');
  text +=
    `${countNoun(report.records, 'record')} → ${report.to}: ${report.migrated.toLocaleString('en-US')} migrated, ` +
    `${report.failed.toLocaleString('en-US')} failed, ${report.withFindings.toLocaleString('en-US')} with findings left` +
    (from ? ` (from ${from})` : '') +
    '\n';
  if (report.outputs.length > 0) text += `wrote ${report.outputs.join(', ')}\n`;
  if (report.truncated) text += `(lists cut at ${maxFindings}; see --max-findings)\n`;
  return text;
}
