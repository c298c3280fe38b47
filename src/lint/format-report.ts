import type { DetailsInventory } from './details-stats.js';
import type { FileLint, LintReport, LocatedFinding, RuleCount, UnreadableRecord } from './lint-files.js';
import type { LintRuleId } from './rules.js';
import { countNoun } from '../format/count-noun.js';

/** Text renderings of lint and migrate reports for people (the CLI prints them on stdout). */


/** `file:line`, or `file (record i)` for rows without lines (Parquet). */
export function where(at: { file: string; line: number | null; index: number }): string {
  return at.line !== null ? `${at.file}:${at.line}` : `${at.file} (record ${at.index})`;
}

/** `file: 5 records, 3 errors, 1 warning` */
export function formatFileLint(summary: FileLint): string {
  const parts = [countNoun(summary.records, 'record')];
  if (summary.unreadable > 0) parts.push(`${summary.unreadable.toLocaleString('en-US')} unreadable`);
  parts.push(countNoun(summary.errors, 'error'), countNoun(summary.warnings, 'warning'));
  const rules = (Object.entries(summary.byRule) as [LintRuleId, number][])
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `${id} ×${n.toLocaleString('en-US')}`);
  const notes = [...rules, ...(summary.config ? [`config ${summary.config}`] : [])];
  return `${summary.file}: ${parts.join(', ')}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}\n`;
}

/** Per-rule counts as an aligned table, most frequent first. */
export function formatRuleCounts(byRule: Partial<Record<LintRuleId, RuleCount>>): string {
  const rows = (Object.entries(byRule) as [LintRuleId, RuleCount][]).sort((a, b) => b[1].count - a[1].count);
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map(([id]) => id.length));
  return `rules:\n${rows.map(([id, c]) => `  ${id.padEnd(width)}  ${c.severity.padEnd(5)}  ${c.count.toLocaleString('en-US')}`).join('\n')}\n`;
}

/** One finding: place, path, severity and rule, message, then the suggested fix. */
export function formatFinding(f: LocatedFinding): string {
  let text = `${where(f)} ${f.path}  ${f.severity} ${f.rule}: ${f.message}\n`;
  if (f.fix) text += `    fix: ${f.fix}${f.fixable ? ' (trajkit lint --fix)' : ''}\n`;
  return text;
}

export function formatUnreadable(u: UnreadableRecord): string {
  return `${where(u)}  unreadable (${u.code}): ${u.message}\n`;
}

/** The whole human report of `trajkit lint`: per file, per rule, findings, total. */
export function formatLintReport(report: LintReport, maxFindings: number): string {
  let text = report.byFile.map(formatFileLint).join('');
  text += formatRuleCounts(report.byRule);
  if (report.findings.length > 0) text += `findings:\n${report.findings.map(formatFinding).join('')}`;
  if (report.unreadableRecords.length > 0) text += `unreadable records:\n${report.unreadableRecords.map(formatUnreadable).join('')}`;
  text += `${countNoun(report.files, 'file')}, ${countNoun(report.records, 'record')}: ${countNoun(report.errorCount, 'error')}, ${countNoun(report.warningCount, 'warning')}`;
  if (report.unreadable > 0) text += `, ${report.unreadable.toLocaleString('en-US')} unreadable`;
  text += '\n';
  if (report.truncated) text += `(listed the first ${countNoun(report.findings.length, 'finding')}; see --max-findings, now ${maxFindings})\n`;
  return text;
}

/** The `--stats` inventory as a table: key, records, datasets, value types, concept → field. */
export function formatInventory(inv: DetailsInventory): string {
  const header = ['key', 'records', 'datasets', 'types', 'concept', 'field'];
  const rows = inv.keys.map((k) => [
    k.key,
    k.records.toLocaleString('en-US'),
    String(k.datasets),
    Object.entries(k.types)
      .map(([t, n]) => `${t}×${n}`)
      .join(' '),
    k.concept,
    k.field ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`;
  let text = line(header);
  for (const row of rows) text += line(row);
  const promoted = inv.keys.filter((k) => k.field).length;
  text +=
    `${countNoun(inv.keys.length, 'distinct key')} (${promoted.toLocaleString('en-US')} with a typed home) in ` +
    `${countNoun(inv.records, 'record')} (${inv.recordsWithDetails.toLocaleString('en-US')} with details), ` +
    `${countNoun(inv.datasets, 'dataset')}, ${countNoun(inv.files, 'file')}` +
    (inv.unreadable > 0 ? `, ${inv.unreadable.toLocaleString('en-US')} unreadable` : '') +
    '\n';
  return text;
}
