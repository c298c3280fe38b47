import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatQueryResult, QueryError, querySession, rowObjects, runQuery, toQueryValue } from '../../src/analytics/query.js';
import { formatTextTable } from '../../src/analytics/text-table.js';
import { openAnalyticsViews, type AnalyticsSession } from '../../src/analytics/views.js';
import { importSparkToFile } from '../../src/import/import-spark.js';
import { sparkFiles, startHubEmulator, type HubEmulator } from '../hub/emulator.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPARK = join(ROOT, '..', 'shared', 'data', 'spark', 'all_model_pdi');
const BROKEN = join(ROOT, 'fixtures', 'analytics', 'broken.jsonl');
const HOSTILE = join(ROOT, 'fixtures', 'report', 'hostile.jsonl');

type Json = Record<string, any>;

/** What the released files say, read here without any trajkit code. */
function readTaskFiles(task: string) {
  const dir = join(SPARK, task);
  const attemptsFile = join(dir, 'attempts.json');
  const trajectoryFile = join(dir, 'trajectory.jsonl');
  const doc: Json | undefined = existsSync(attemptsFile) ? JSON.parse(readFileSync(attemptsFile, 'utf8')) : undefined;
  const events: Json[] = existsSync(trajectoryFile)
    ? readFileSync(trajectoryFile, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line))
    : [];
  const executions = events.filter((e) => e.type === 'execution_result');
  const attempts = doc
    ? doc.attempts.map((a: Json) => ({ attempt: a.attempt, status: a.status, reward: a.reward, n_passed: a.n_passed, n_tests: a.n_tests }))
    : executions.map((e) => ({
        attempt: e.attempt,
        // spec §4: the trajectory's ERROR with success true is a PASS
        status: e.status === 'ERROR' && e.success ? 'PASS' : e.status,
        reward: e.reward,
        n_passed: e.n_passed,
        n_tests: e.n_tests,
      }));
  const snapshots = events.some((e) => e.type === 'pdi_snapshot')
    ? events.filter((e) => e.type === 'pdi_snapshot').map((s) => ({ attempt: s.attempt as number | null, step: s.step, weighted_pdi: s.weighted_pdi, triggered: s.triggered, level: s.level }))
    : (doc?.pdi?.history ?? []).map((s: Json) => ({ attempt: null as number | null, step: s.step, weighted_pdi: s.weighted_pdi, triggered: s.triggered, level: s.level }));
  const feedback = new Map<number, string>();
  for (const e of executions) {
    const text: string = e.retry_injection ?? '';
    feedback.set(e.attempt, text.includes('### 🚨 Critical Exploration Feedback') ? 'strong' : text.includes('### 🔄 Exploration Feedback') ? 'soft' : 'none');
  }
  return { attempts, snapshots, feedback, hasTrajectory: events.length > 0 };
}

const TASKS = readdirSync(SPARK, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('views over the released SPARK folders', () => {
  let session: AnalyticsSession;
  beforeAll(async () => {
    session = await openAnalyticsViews({ inputs: [SPARK], recompute: true, threads: 1 });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('reads every task folder on disk, leaving nothing out', async () => {
    expect(session.counts.sparkTasks).toBe(TASKS.length);
    expect(session.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const tasks = await session.db.rows<{ task: string }>('SELECT DISTINCT task FROM attempts ORDER BY task');
    expect(tasks.map((t) => t.task)).toEqual(TASKS);
  });

  it('has one attempts row per attempt, with the status, reward and test counts of the files', async () => {
    const rows = await session.db.rows<Json>('SELECT task, attempt, status, reward, n_passed, n_tests FROM attempts ORDER BY task, attempt');
    for (const task of TASKS) {
      expect(rows.filter((r) => r.task === task).map(({ task: _, ...r }) => r), task).toEqual(readTaskFiles(task).attempts);
    }
    const [{ n }] = await session.db.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM trajectories');
    expect(n).toBe(rows.length);
  });

  it('holds every recorded snapshot in steps, in order, on its attempt', async () => {
    const rows = await session.db.rows<Json>(
      "SELECT task, attempt, step, weighted_pdi, triggered, level FROM steps WHERE origin = 'recorded' ORDER BY task, attempt NULLS LAST, step",
    );
    for (const task of TASKS) {
      const expected = readTaskFiles(task).snapshots;
      const actual = rows.filter((r) => r.task === task).map(({ task: _, ...r }) => r);
      expect(actual.map(({ attempt: _, ...r }) => r), task).toEqual(expected.map(({ attempt: _, ...r }: Json) => r));
      // From a trajectory the attempt is recorded; from pdi.history alone it comes from the replay.
      for (const [i, snapshot] of expected.entries()) if (snapshot.attempt !== null) expect(actual[i].attempt).toBe(snapshot.attempt);
      expect(actual.every((r) => r.attempt !== null)).toBe(true);
    }
  });

  it('places pdi.history snapshots on the same attempts as the batch engine does', async () => {
    const history = await session.db.rows<Json>(
      "SELECT task, step, attempt FROM steps WHERE origin = 'recorded' AND from_field = 'attempts_json.pdi.history' ORDER BY task, step",
    );
    expect(history.length).toBeGreaterThan(0);
    const recomputed = await session.db.rows<Json>("SELECT task, step, attempt FROM steps WHERE origin = 'recomputed' ORDER BY task, step");
    for (const row of history) expect(recomputed, `${row.task} step ${row.step}`).toContainEqual(row);
  });

  it("derives each attempt's intervention (spec §7) exactly as its retry_injection shows it", async () => {
    const rows = await session.db.rows<Json>('SELECT task, attempt, intervention, feedback_in_prompt FROM attempts ORDER BY task, attempt');
    let checked = 0;
    for (const task of TASKS) {
      const { feedback, hasTrajectory } = readTaskFiles(task);
      for (const row of rows.filter((r) => r.task === task)) {
        if (!hasTrajectory) {
          expect(row.feedback_in_prompt).toBeNull();
          continue;
        }
        expect(row.feedback_in_prompt, `${task} attempt ${row.attempt}`).toBe(feedback.get(row.attempt));
        expect(row.intervention ?? 'none', `${task} attempt ${row.attempt}`).toBe(row.feedback_in_prompt);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    const [{ n }] = await session.db.rows<{ n: number }>("SELECT count(*)::INTEGER AS n FROM attempts WHERE intervention IN ('soft', 'strong')");
    expect(n).toBeGreaterThan(10);
  });

  it('gives each task its final outcome', async () => {
    const rows = await session.db.rows<Json>('SELECT DISTINCT task, solved, final_outcome, final_status FROM attempts ORDER BY task');
    for (const row of rows) {
      const { attempts } = readTaskFiles(row.task);
      const solved = attempts.some((a: Json) => a.status === 'PASS');
      expect(row.solved, row.task).toBe(solved);
      expect(row.final_status).toBe(solved ? 'PASS' : attempts[attempts.length - 1].status);
      expect(['solved', 'unsolved', 'stopped']).toContain(row.final_outcome);
      expect(row.final_outcome === 'solved').toBe(solved);
    }
  });
});

describe('views over standardized files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trajkit-views-'));
    await importSparkToFile(SPARK, join(dir, 'spark.jsonl.gz'), { threads: 1 });
    await importSparkToFile(SPARK, join(dir, 'spark.parquet'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const COMPARED = [
    'SELECT * EXCLUDE (file, line) FROM attempts ORDER BY task, attempt',
    'SELECT * EXCLUDE (file, line) FROM steps ORDER BY task, attempt, step',
    'SELECT id, task, attempt, status, reward, n_content, n_actions, llm_input_tokens, md5(content::VARCHAR) AS content FROM trajectories ORDER BY id',
  ];

  for (const file of ['spark.jsonl.gz', 'spark.parquet']) {
    it(`gives the same views from ${file} as from the raw folders`, async () => {
      const fromRaw = await openAnalyticsViews({ inputs: [SPARK], threads: 1 });
      const fromFile = await openAnalyticsViews({ inputs: [join(dir, file)], threads: 1 });
      try {
        expect(fromFile.counts.files).toBe(1);
        expect(fromFile.issues).toEqual([]);
        for (const sql of COMPARED) {
          const a = (await querySession(fromRaw.db, sql)).rows;
          expect(a.length).toBeGreaterThan(0);
          expect((await querySession(fromFile.db, sql)).rows, sql).toEqual(a);
        }
      } finally {
        await fromRaw.close();
        await fromFile.close();
      }
    });
  }
});

describe('recomputing from standardized files', () => {
  it('adds recomputed steps equal to the recorded ones on the released runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trajkit-views-'));
    try {
      const file = join(dir, 'spark.jsonl');
      await importSparkToFile(SPARK, file, { threads: 1 });
      const session = await openAnalyticsViews({ inputs: [file], recompute: true, threads: 1 });
      try {
        const pick = (origin: string) =>
          session.db.rows<Json>(`SELECT task, attempt, step, weighted_pdi, triggered, level FROM steps WHERE origin = $origin ORDER BY task, attempt, step`, { origin });
        const recorded = await pick('recorded');
        expect(recorded.length).toBeGreaterThan(40);
        expect(await pick('recomputed')).toEqual(recorded);
      } finally {
        await session.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runQuery', () => {
  it('reports every record it leaves out, with file and line, and keeps the rest', async () => {
    const result = await runQuery([BROKEN], 'SELECT task, attempt, status, id FROM attempts ORDER BY attempt');
    expect(result.rows).toEqual([
      ['broken-task', 0, 'FAIL', 'broken-fixture/attempt-0'],
      ['broken-task', 1, 'PASS', 'broken-fixture/attempt-1'],
    ]);
    expect(result.issues.map((i) => [i.code, i.severity, i.line, i.message])).toEqual([
      ['json-syntax', 'error', 2, expect.stringMatching(/^record left out: invalid JSON/)],
      ['not_a_trajectory', 'error', 3, 'record left out: expected a JSON object, found an array'],
      ['not_a_trajectory', 'error', 4, 'record left out: id is missing'],
      ['duplicate_id', 'error', 5, `record left out: id "broken-fixture/attempt-0" was already read at ${BROKEN}:1`],
    ]);
    expect(result.issues.every((i) => i.file === BROKEN)).toBe(true);
  });

  it('keeps a record holding a lone UTF-16 surrogate, shown as U+FFFD, with a note', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trajkit-query-'));
    try {
      const file = join(dir, 'surrogate.jsonl');
      writeFileSync(file, '{"id":"s1","content":[{"class_":"message_action","content":"a\\ud800b \\\\ud800 \\ud83d\\ude00","description":null}]}\n{"id":"s2","content":[]}\n');
      const result = await runQuery([file], "SELECT id, content->0->>'content' AS text FROM trajectories ORDER BY id");
      expect(result.rows).toEqual([
        ['s1', 'a\ufffdb \\ud800 😀'],
        ['s2', null],
      ]);
      expect(result.issues.map((i) => [i.code, i.severity, i.line])).toEqual([['lone_surrogate', 'warning', 1]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns BIGINT into numbers when exact and strings when not, and names duplicate columns apart', async () => {
    const result = await runQuery(
      [HOSTILE],
      'SELECT count(*) AS n, 9007199254740993::BIGINT AS big, -42::BIGINT AS small, 170141183460469231731687303715884105727::HUGEINT AS huge, 1 AS x, 2 AS x FROM trajectories',
    );
    expect(result.columns.map((c) => c.name)).toEqual(['n', 'big', 'small', 'huge', 'x', 'x:1']);
    expect(result.columns.map((c) => c.type)).toEqual(['BIGINT', 'BIGINT', 'BIGINT', 'HUGEINT', 'INTEGER', 'INTEGER']);
    expect(result.rows).toEqual([[7, '9007199254740993', -42, '170141183460469231731687303715884105727', 1, 2]]);
    expect(typeof result.rows[0][0]).toBe('number');
  });

  it('embeds JSON columns as JSON in the json format and keeps text, NUL and HTML exactly', async () => {
    const result = await runQuery([HOSTILE], "SELECT id, task, content FROM trajectories WHERE task LIKE '<img%' ORDER BY attempt LIMIT 1");
    const [row] = rowObjects(result);
    expect(row.task).toBe('<img src=x onerror="window.__pwned=1">\u0000 café \u00e2\u0080\u0094 </script><script>window.__pwned=2</script>');
    expect(Array.isArray(row.content)).toBe(true);
    expect((row.content as Json[])[2].content).toBe('done \u0000 <b>bold</b>');
    expect(JSON.parse(formatQueryResult(result, 'json'))).toEqual([row]);
    expect(formatQueryResult(result, 'jsonl').trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual([row]);
  });

  it('writes RFC 4180 CSV: quoted fields, doubled quotes, NULL as empty', () => {
    const csv = formatQueryResult(
      { columns: [{ name: 'a', type: 'VARCHAR' }, { name: 'b', type: 'DOUBLE' }, { name: 'c', type: 'VARCHAR[]' }], rows: [['x,"y"\nz', null, ['p', 'q']], ['plain', 1.5, []]] },
      'csv',
    );
    expect(csv).toBe('a,b,c\n"x,""y""\nz",,"[""p"",""q""]"\nplain,1.5,[]\n');
  });

  it('prints one line per row in the table format, controls escaped and long cells clipped', () => {
    const text = formatQueryResult({ columns: [{ name: 'v', type: 'VARCHAR' }, { name: 'n', type: 'INTEGER' }], rows: [['a\nb\u0000c\u0085', 5], ['x'.repeat(100), null]] }, 'table');
    expect(text).toBe(
      [
        `${'v'.padEnd(60)}     n`,
        `${'─'.repeat(60)}  ────`,
        `${'a\\nb\\x00c\\x85'.padEnd(60)}     5`,
        `${'x'.repeat(59)}…  NULL`,
        '(2 rows)',
        '',
      ].join('\n'),
    );
    expect(formatTextTable(['名前', 'n'], [['東京', 1]])).toBe('名前  n\n────  ─\n東京  1\n');
  });

  it('throws QueryError (exit 2) naming what DuckDB rejected', async () => {
    const error = await runQuery([HOSTILE], 'SELECT no_such_column FROM attempts').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).exitCode).toBe(2);
    expect((error as QueryError).message).toMatch(/^query failed: Binder Error: .*no_such_column/);
  });

  it('converts values of every common type to plain JSON', () => {
    expect(toQueryValue(12n)).toBe(12);
    expect(toQueryValue(-(2n ** 60n))).toBe('-1152921504606846976');
    expect(toQueryValue(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z');
    expect(toQueryValue(new Uint8Array([0x41, 0x00, 0xff]))).toBe('A\\x00\\xff');
    expect(toQueryValue({ k: [1n, null, Number.NaN] })).toEqual({ k: [1, null, 'NaN'] });
  });
});

describe('trajkit query (CLI)', () => {
  // These run the built CLI (`npm test` builds first; alone: `npx tsc -p .` first).
  function trajkit(...args: string[]) {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'trajkit.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('prints a table on stdout and counts on stderr, exit 0', () => {
    const { code, stdout, stderr } = trajkit('query', 'fixtures/report/hostile.jsonl', 'SELECT attempt, status, reward, intervention FROM attempts WHERE task = $$plain-task$$ ORDER BY attempt');
    expect(stdout).toBe(
      ['attempt  status  reward  intervention', '───────  ──────  ──────  ────────────', '      0  FAIL         0  NULL', '      1  ERROR        0  NULL', '      2  FAIL         0  NULL', '(3 rows)', ''].join('\n'),
    );
    expect(stderr).toBe('trajkit: read 7 trajectories (7 attempts of 2 tasks, 5 PDI steps)\n');
    expect(code).toBe(0);
  });

  it('writes CSV and JSON, and reads the SQL from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trajkit-query-'));
    try {
      const sqlFile = join(dir, 'q.sql');
      writeFileSync(sqlFile, 'SELECT task, count(*) AS attempts FROM attempts GROUP BY task ORDER BY attempts;\n');
      const csv = trajkit('query', '--format', 'csv', '-q', '-f', sqlFile, 'fixtures/report/hostile.jsonl');
      expect(csv.stdout).toBe('task,attempts\nplain-task,3\n"<img src=x onerror=""window.__pwned=1"">\u0000 café \u00e2\u0080\u0094 </script><script>window.__pwned=2</script>",4\n');
      expect(csv.stderr).toBe('');
      const json = trajkit('query', '--json', '-q', 'fixtures/report/hostile.jsonl', 'SELECT count(*) AS n FROM steps');
      expect(JSON.parse(json.stdout)).toEqual([{ n: 5 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 and lists the records it left out', () => {
    const { code, stdout, stderr } = trajkit('query', '--format', 'jsonl', 'fixtures/analytics/broken.jsonl', 'SELECT id FROM trajectories ORDER BY id');
    expect(stdout).toBe('{"id":"broken-fixture/attempt-0"}\n{"id":"broken-fixture/attempt-1"}\n');
    expect(stderr).toContain('trajkit: left out: fixtures/analytics/broken.jsonl:2: record left out: invalid JSON');
    expect(stderr).toContain('trajkit: left out: fixtures/analytics/broken.jsonl:5: record left out: id "broken-fixture/attempt-0" was already read at fixtures/analytics/broken.jsonl:1');
    expect(code).toBe(1);
  });

  it('exits 2 on bad SQL and on a missing SQL argument', () => {
    const bad = trajkit('query', 'fixtures/report/hostile.jsonl', 'SELEC 1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^trajkit: query failed: Parser Error: syntax error at or near "SELEC"/);
    const missing = trajkit('query', 'SELECT 1');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('give at least one input and then the SQL');
  });
});

describe('runQuery on hf:// inputs (local Hub emulator)', () => {
  const REPO = 'trajkit-test/spark-views';
  const TASKS = ['citation-check', 'fix-build-google-auto'];
  const saved = { ...process.env };
  let hub: HubEmulator;
  let home: string;
  beforeAll(async () => {
    hub = await startHubEmulator({ repos: [{ id: REPO, revisions: { main: sparkFiles(TASKS) } }] });
    home = mkdtempSync(join(tmpdir(), 'trajkit-hf-home-'));
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HOME = home;
    delete process.env.HF_TOKEN;
    delete process.env.HF_HUB_CACHE;
    delete process.env.HUGGINGFACE_HUB_CACHE;
  });
  afterAll(async () => {
    process.env = { ...saved };
    await hub?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('downloads a raw SPARK folder through the cache and gives the same views as the local copy', async () => {
    const sql = 'SELECT a.task, a.attempt, a.status, a.reward, a.intervention, s.weighted_pdi FROM attempts a LEFT JOIN steps s USING (task, attempt) ORDER BY ALL';
    const remote = await runQuery([`hf://datasets/${REPO}/all_model_pdi`], sql);
    const local = await runQuery(TASKS.map((t) => join(SPARK, t)), sql);
    expect(remote.rows.length).toBeGreaterThan(3);
    expect(remote.rows).toEqual(local.rows);
    const [revision] = (await runQuery([`hf://datasets/${REPO}/all_model_pdi`], "SELECT DISTINCT provenance->>'revision' FROM trajectories")).rows;
    expect(revision).toEqual([hub.sha(REPO)]);
  });
});
