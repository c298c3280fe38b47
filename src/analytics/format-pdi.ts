import { formatPdiIssue } from '../pdi/issues.js';
import type { BatchPdiResult } from './batch-pdi.js';
import { formatTextTable } from './text-table.js';
import { countNoun } from '../format/count-noun.js';

/** The `--compare --json` document: counts and every mismatch with its reason. */
export function pdiComparisonJson(result: BatchPdiResult): object {
  const c = result.comparison ?? { compared: 0, matched: 0, mismatches: [] };
  return { tasks: result.tasks, steps: result.steps, compared: c.compared, matched: c.matched, mismatches: c.mismatches };
}

/** The `--json` document without `--compare`: counts, and the rows unless they went to `--out`. */
export function pdiResultJson(result: BatchPdiResult): object {
  return {
    tasks: result.tasks,
    steps: result.steps,
    ...(result.out !== undefined ? { out: result.out } : { rows: result.rows }),
  };
}

/** One line per step (or per mismatch with `--compare`), for a terminal. */
export function formatPdiResult(result: BatchPdiResult): string {
  const lines: string[] = [];
  if (result.comparison) {
    const { compared, matched, mismatches } = result.comparison;
    if (mismatches.length > 0) {
      lines.push(
        formatTextTable(
          ['task', 'step', 'field', 'recorded', 'recomputed', 'reason'],
          mismatches.map((m) => [m.task, m.step, m.field, m.recorded, m.recomputed, m.reason]),
        ),
      );
    }
    lines.push(`${countNoun(result.tasks, 'task')}, ${countNoun(result.steps, 'step')}; compared ${compared}, matched ${matched}${compared === matched ? '' : `, ${compared - matched} differ`}\n`);
    return lines.join('');
  }
  if (result.out === undefined && result.rows.length > 0) {
    lines.push(
      formatTextTable(
        ['task', 'attempt', 'step', 'exec', 'plan', 'oss', 'raw', 'weight', 'weighted', 'triggered', 'level'],
        result.rows.map((r) => [r.task, r.attempt, r.step, r.proxy_exec, r.proxy_plan, r.proxy_oss, r.raw_pdi, r.weight, r.weighted_pdi, r.triggered, r.level]),
      ),
    );
  }
  const method = result.rows[0] ? `${result.rows[0].method}${result.rows[0].method_inferred ? ' (inferred)' : ''}` : undefined;
  lines.push(`${countNoun(result.tasks, 'task')}, ${countNoun(result.steps, 'step')}${method ? `, ${method}` : ''}${result.out !== undefined ? `; wrote ${result.out}` : ''}\n`);
  return lines.join('');
}

/** Issues as one line each, for stderr. */
export function formatPdiIssues(result: BatchPdiResult): string {
  return result.issues.map((issue) => `pdi: ${issue.code} ${formatPdiIssue(issue)}\n`).join('');
}
