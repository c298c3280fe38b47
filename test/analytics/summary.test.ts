import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatPdiSummary, pdiSummary } from '../../src/analytics/summary.js';
import { UsageError } from '../../src/errors.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPARK = join(ROOT, '..', 'shared', 'data', 'spark', 'all_model_pdi');
const HOSTILE = join(ROOT, 'fixtures', 'report', 'hostile.jsonl');
const HOSTILE_TASK = '<img src=x onerror="window.__pwned=1">\u0000 café \u00e2\u0080\u0094 </script><script>window.__pwned=2</script>';

describe('pdiSummary on a hand-written run (numbers worked out by hand)', () => {
  // hostile task: attempts 0 FAIL, 1 FAIL, 2 PARTIAL 0.5, 3 PASS; snapshots at 0 (0, none), 1 (−1.5, soft), 2 (−2, strong)
  // plain-task:   attempts 0 FAIL, 1 ERROR, 2 FAIL of 5 allowed; snapshots at 0 (0) and 1 (0.5), no trigger
  it('gives the per-task, overall, by-outcome and intervention tables', async () => {
    const s = await pdiSummary({ inputs: [HOSTILE] });
    expect(s.origin).toBe('preferred');
    expect(s.overall).toEqual({
      tasks: 2,
      solved: 1,
      unsolved: 0,
      stopped: 1,
      attempts: 7,
      steps: 5,
      soft: 1,
      strong: 1,
      tasks_with_trigger: 1,
      solved_with_trigger: 1,
      tasks_without_trigger: 1,
      solved_without_trigger: 0,
    });
    expect(s.tasks).toEqual([
      {
        task: HOSTILE_TASK,
        final_outcome: 'solved',
        final_status: 'PASS',
        attempts: 4,
        max_attempts: 5,
        first_pass_attempt: 3,
        best_reward: 1,
        steps: 3,
        soft: 1,
        strong: 1,
        first_trigger_attempt: 1,
        min_weighted_pdi: -2,
        mean_weighted_pdi: expect.closeTo(-3.5 / 3, 12),
        mean_proxy_exec: 0.5,
        mean_proxy_plan: expect.closeTo(0.25, 12),
        mean_proxy_oss: expect.closeTo(0.2, 12),
        interventions: 2,
        pass_intervention: 'strong',
      },
      {
        task: 'plain-task',
        final_outcome: 'stopped',
        final_status: 'FAIL',
        attempts: 3,
        max_attempts: 5,
        first_pass_attempt: null,
        best_reward: 0,
        steps: 2,
        soft: 0,
        strong: 0,
        first_trigger_attempt: null,
        min_weighted_pdi: 0,
        mean_weighted_pdi: 0.25,
        mean_proxy_exec: 0.5,
        mean_proxy_plan: 0.125,
        mean_proxy_oss: expect.closeTo(0.1, 12),
        interventions: 0,
        pass_intervention: null,
      },
    ]);
    expect(s.interventions).toEqual([
      // attempt 2 of the hostile task (PARTIAL), which its task then solved at attempt 3
      { intervention: 'soft', attempts: 1, passed: 0, pass_rate: 0, tasks: 1, tasks_solved_later: 1, solved_later_rate: 1 },
      { intervention: 'strong', attempts: 1, passed: 1, pass_rate: 1, tasks: 1, tasks_solved_later: 1, solved_later_rate: 1 },
      // hostile attempt 1, plain-task attempts 1 and 2
      { intervention: 'none', attempts: 3, passed: 0, pass_rate: 0, tasks: 2, tasks_solved_later: 1, solved_later_rate: 0.5 },
    ]);
    expect(s.byOutcome).toEqual([
      {
        final_outcome: 'solved',
        tasks: 1,
        steps: 3,
        mean_proxy_exec: 0.5,
        mean_proxy_plan: expect.closeTo(0.25, 12),
        mean_proxy_oss: expect.closeTo(0.2, 12),
        mean_raw_pdi: expect.closeTo(-1.5, 12),
        mean_weighted_pdi: expect.closeTo(-3.5 / 3, 12),
        trigger_rate: expect.closeTo(2 / 3, 12),
      },
      {
        final_outcome: 'stopped',
        tasks: 1,
        steps: 2,
        mean_proxy_exec: 0.5,
        mean_proxy_plan: 0.125,
        mean_proxy_oss: expect.closeTo(0.1, 12),
        mean_raw_pdi: expect.closeTo(0.6, 12),
        mean_weighted_pdi: 0.25,
        trigger_rate: 0,
      },
      {
        final_outcome: 'all',
        tasks: 2,
        steps: 5,
        mean_proxy_exec: 0.5,
        mean_proxy_plan: expect.closeTo(0.2, 12),
        mean_proxy_oss: expect.closeTo(0.16, 12),
        mean_raw_pdi: expect.closeTo(-0.66, 12),
        mean_weighted_pdi: expect.closeTo(-0.6, 12),
        trigger_rate: 0.4,
      },
    ]);
  });

  it('renders the tables as text', async () => {
    const text = formatPdiSummary(await pdiSummary({ inputs: [HOSTILE] }));
    expect(text).toMatchInlineSnapshot(`
      "PDI summary (recorded snapshots where present, else recomputed)

      Overall
      tasks  solved  unsolved  stopped  attempts  steps  soft  strong  solved | trigger  solved | no trigger
      ─────  ──────  ────────  ───────  ────────  ─────  ────  ──────  ────────────────  ───────────────────
          2       1         0        1         7      5     1       1               1/1                  0/1

      Attempts after a PDI snapshot, by the feedback their prompt carried
      intervention  attempts  passed  pass rate  tasks  solved then or later    rate
      ────────────  ────────  ──────  ─────────  ─────  ────────────────────  ──────
      soft                 1       0       0.0%      1                     1  100.0%
      strong               1       1     100.0%      1                     1  100.0%
      none                 3       0       0.0%      2                     1   50.0%

      Mean proxies by final outcome (over PDI steps)
      final outcome  tasks  steps  exec   plan   oss  raw pdi  weighted pdi  triggered
      ─────────────  ─────  ─────  ────  ─────  ────  ───────  ────────────  ─────────
      solved             1      3   0.5   0.25   0.2     -1.5       -1.1667      66.7%
      stopped            1      2   0.5  0.125   0.1      0.6          0.25       0.0%
      all                2      5   0.5    0.2  0.16    -0.66          -0.6      40.0%

      Per task
      task                                                          outcome  attempts  first pass  best reward  steps  soft  strong  first trigger  min wPDI  mean exec  mean plan  mean oss  pass after
      ────────────────────────────────────────────────────────────  ───────  ────────  ──────────  ───────────  ─────  ────  ──────  ─────────────  ────────  ─────────  ─────────  ────────  ──────────
      <img src=x onerror="window.__pwned=1">\\x00 café â\\x80\\x94 <…  solved          4           3            1      3     1       1              1        -2        0.5       0.25       0.2  strong
      plain-task                                                    stopped         3        NULL            0      2     0       0           NULL         0        0.5      0.125       0.1  NULL
      "
    `);
  });

  it('needs recompute for a summary of recomputed PDI', async () => {
    await expect(pdiSummary({ inputs: [HOSTILE], origin: 'recomputed' })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('pdiSummary on the released SPARK data', () => {
  type Json = Record<string, any>;
  /** Per task, straight from the files: attempts, trigger levels, whether a PASS happened. */
  function fromFiles(task: string) {
    const dir = join(SPARK, task);
    const doc: Json | undefined = existsSync(join(dir, 'attempts.json')) ? JSON.parse(readFileSync(join(dir, 'attempts.json'), 'utf8')) : undefined;
    const events: Json[] = existsSync(join(dir, 'trajectory.jsonl'))
      ? readFileSync(join(dir, 'trajectory.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      : [];
    const snapshots: Json[] = events.some((e) => e.type === 'pdi_snapshot') ? events.filter((e) => e.type === 'pdi_snapshot') : (doc?.pdi?.history ?? []);
    const statuses: string[] = doc ? doc.attempts.map((a: Json) => a.status) : events.filter((e) => e.type === 'execution_result').map((e) => (e.status === 'ERROR' && e.success ? 'PASS' : e.status));
    return {
      attempts: statuses.length,
      steps: snapshots.length,
      soft: snapshots.filter((s) => s.level === 'soft').length,
      strong: snapshots.filter((s) => s.level === 'strong').length,
      solved: statuses.includes('PASS'),
      first_pass_attempt: statuses.includes('PASS') ? statuses.indexOf('PASS') : null,
    };
  }

  it('counts attempts, steps and triggers per task as the files do', async () => {
    const s = await pdiSummary({ inputs: [SPARK], threads: 1 });
    const tasks = readdirSync(SPARK).sort();
    expect(s.tasks.map((t) => t.task)).toEqual(tasks);
    for (const t of s.tasks) {
      const f = fromFiles(t.task);
      expect({ attempts: t.attempts, steps: t.steps, soft: t.soft, strong: t.strong, solved: t.final_outcome === 'solved', first_pass_attempt: t.first_pass_attempt }, t.task).toEqual(f);
    }
    expect(s.overall.attempts).toBe(s.tasks.reduce((n, t) => n + t.attempts, 0));
    expect(s.overall.soft + s.overall.strong).toBeGreaterThan(0);
    // Every attempt that received feedback is counted once, in its level's row.
    const received = s.interventions.filter((r) => r.intervention !== 'none').reduce((n, r) => n + r.attempts, 0);
    expect(received).toBe(s.tasks.reduce((n, t) => n + t.interventions, 0));
    const all = s.byOutcome.find((r) => r.final_outcome === 'all')!;
    expect(all.steps).toBe(s.overall.steps);
    expect(s.byOutcome.filter((r) => r.final_outcome !== 'all').reduce((n, r) => n + r.steps, 0)).toBe(all.steps);
  });

  it('summarises recomputed PDI the same way as recorded on the released runs', async () => {
    const recorded = await pdiSummary({ inputs: [SPARK], threads: 1, recompute: true, origin: 'recorded' });
    const recomputed = await pdiSummary({ inputs: [SPARK], threads: 1, recompute: true, origin: 'recomputed' });
    expect(recomputed.origin).toBe('recomputed');
    expect(recomputed.tasks).toEqual(recorded.tasks);
    expect(recomputed.interventions).toEqual(recorded.interventions);
  });
});

describe('trajkit pdi --summary (CLI)', () => {
  // These run the built CLI (`npm test` builds first; alone: `npx tsc -p .` first).
  function trajkit(...args: string[]) {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'trajkit.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('prints the summary tables of the recorded PDI, exit 0', async () => {
    const { code, stdout, stderr } = trajkit('pdi', '--summary', 'fixtures/report/hostile.jsonl');
    expect(stdout).toBe(formatPdiSummary(await pdiSummary({ inputs: [HOSTILE] })));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('prints JSON with --json, and summarises recomputed rows when a what-if flag is given', () => {
    const recorded = JSON.parse(trajkit('pdi', '--summary', '--json', 'fixtures/report/hostile.jsonl').stdout);
    expect(recorded.origin).toBe('preferred');
    expect(recorded.overall.soft).toBe(1);
    expect(recorded.left_out).toEqual([]);
    const whatIf = trajkit('pdi', '--summary', '--json', '--threshold', '-5', SPARK);
    expect(whatIf.code).toBe(0);
    const summary = JSON.parse(whatIf.stdout);
    expect(summary.origin).toBe('recomputed');
    // far below every recorded weighted PDI but one: almost nothing triggers
    expect(summary.overall.soft + summary.overall.strong).toBeLessThan(3);
    expect(summary.interventions.find((r: { intervention: string }) => r.intervention === 'none').attempts).toBeGreaterThan(40);
  });

  it('exits 2 when combined with --compare or --out', () => {
    const { code, stderr } = trajkit('pdi', '--summary', '--compare', 'fixtures/report/hostile.jsonl');
    expect(code).toBe(2);
    expect(stderr).toBe('trajkit: --summary cannot be combined with --compare or --out\n');
  });
});
