import { existsSync } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gitBlobOid, sparkFiles, startHubEmulator, TEST_TOKEN, type HubEmulator } from './emulator.js';
import { deadEndpoint, listTree, runTrajkit, tempDir, type CliRun } from './helpers.js';

const REPO = 'trajkit-test/spark-sample';
const files = sparkFiles();
let hub: HubEmulator;
let tmp: { dir: string; cleanup: () => Promise<void> };

/** Runs the CLI asynchronously: the emulator lives in this process and must keep answering. */
const trajkit = (args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> => runTrajkit(args, { home: tmp.dir, endpoint: hub.url, env });

beforeAll(async () => {
  expect(existsSync(fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url))), 'build dist/ first (npx tsc -p .)').toBe(true);
  hub = await startHubEmulator({
    pageSize: 5,
    repos: [
      { id: REPO, revisions: { main: files } },
      { id: 'trajkit-test/private', access: 'private', allow: [TEST_TOKEN], revisions: { main: files.slice(0, 3) } },
      { id: 'trajkit-test/gated', access: 'gated', allow: [TEST_TOKEN], revisions: { main: files.slice(0, 3) } },
    ],
  });
});
afterAll(() => hub.close());
beforeEach(async () => {
  tmp = await tempDir();
  hub.requests.length = 0;
});
afterEach(async () => {
  expect(hub.pendingFaults()).toBe(0);
  await tmp.cleanup();
});

describe('trajkit download', () => {
  it('prints one JSON summary with --json, pinned to the commit, and serves the second run from cache', async () => {
    const first = await trajkit(['download', REPO, '--json']);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    const summary = JSON.parse(first.stdout);
    const snapshot = join(tmp.dir, 'hf', 'hub', 'datasets--trajkit-test--spark-sample', 'snapshots', hub.sha(REPO));
    expect(summary).toEqual({
      repo: REPO,
      revision: hub.sha(REPO),
      files: files.length,
      bytes: files.reduce((n, f) => n + Buffer.byteLength(f.content), 0),
      cached: 0,
      path: snapshot,
      failed: [],
    });
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    const bodies = hub.bodyRequests().length;

    const second = await trajkit(['download', REPO, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ cached: files.length, files: files.length });
    expect(hub.bodyRequests().length).toBe(bodies);
  });

  it('prints the path on stdout and a summary on stderr without --json; --out makes a plain folder', async () => {
    const out = join(tmp.dir, 'plain');
    const run = await trajkit(['download', REPO, '--include', '*.jsonl', '--exclude', '*mhc*', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${out}\n`);
    expect(run.stderr).toMatch(new RegExp(`^${REPO}@${hub.sha(REPO)}: 2 files, .* \\(0 from cache, .* downloaded\\)\\n$`));
    const tree = await listTree(out);
    expect(tree.filter((p) => p.endsWith('.jsonl'))).toEqual([
      'all_model_pdi/citation-check/trajectory.jsonl',
      'all_model_pdi/powerlifting-coef-calc/trajectory.jsonl',
    ]);
    expect((await lstat(join(out, tree.at(-1)!))).isFile()).toBe(true);
  });

  it('uses --endpoint over HF_ENDPOINT and --revision', async () => {
    const run = await trajkit(['download', REPO, '--endpoint', hub.url, '--include', 'README.md', '--revision', hub.sha(REPO), '--json'], {
      HF_ENDPOINT: 'http://127.0.0.1:1',
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ files: 1, revision: hub.sha(REPO) });
  });

  describe('never shows the token', () => {
    it('on success, with --verbose retries logged', async () => {
      hub.fault({ kind: 'tree', action: { status: 503 } });
      const run = await trajkit(['download', 'trajkit-test/private', '--verbose', '--json'], { HF_TOKEN: TEST_TOKEN });
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/retrying \/api\/datasets\/trajkit-test\/private\/tree\/.* \(HTTP 503, try 1\/5\)/);
      expect(run.stdout + run.stderr).not.toContain(TEST_TOKEN);
      expect(hub.requests.every((r) => r.authorization === `Bearer ${TEST_TOKEN}`)).toBe(true);
    });

    it.each([
      ['--token for a gated repo without access', ['download', 'trajkit-test/gated', '--token', 'hf_secret_not_granted', '--verbose'], {}],
      ['HF_TOKEN rejected for a private repo', ['download', 'trajkit-test/private', '--verbose'], { HF_TOKEN: 'hf_secret_not_granted' }],
      ['a malformed token', ['download', REPO, '--token', 'secret_not_granted', '--verbose'], {}],
    ])('in errors, even with --verbose: %s', async (_name, args, env) => {
      const run = await trajkit(args, env);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stdout + run.stderr).not.toContain('secret_not_granted');
    });
  });

  describe('exit codes', () => {
    it.each([
      ['a missing repo', ['download', 'trajkit-test/nope'], /dataset trajkit-test\/nope not found on http:\/\/127\.0\.0\.1:\d+ \(if it is private, pass --token or set HF_TOKEN\) \(HTTP 401, request id req-\d+\)/],
      ['a missing revision', ['download', REPO, '--revision', 'v9'], /revision "v9" not found in dataset trajkit-test\/spark-sample \(HTTP 404/],
      ['a gated repo without a token', ['download', 'trajkit-test/gated'], /dataset trajkit-test\/gated is gated: pass --token/],
      ['a private repo without a token', ['download', 'trajkit-test/private'], /not found .*if it is private, pass --token/],
      ['a dead endpoint', ['download', REPO, '--endpoint', 'DEAD'], /cannot reach the Hub at http:\/\/127\.0\.0\.1:\d+: connection refused/],
      ['a bad repo id', ['download', '../etc'], /not a dataset id/],
      ['a bad --concurrency', ['download', REPO, '--concurrency', '0'], /--concurrency must be/],
      ['no repo', ['download'], /Not enough non-option arguments/],
    ])('2 for %s, one line, no stack trace', async (_name, args, message) => {
      const dead = await deadEndpoint();
      const run = await trajkit(args.map((a) => (a === 'DEAD' ? dead : a)));
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stderr.trim().split('\n').filter((l) => !l.includes('--help')).length).toBe(1);
    });

    it('1 with a warning when --include/--exclude select nothing', async () => {
      const run = await trajkit(['download', REPO, '--include', '*.parquet', '--json']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ files: 0, failed: [] });
      expect(run.stderr).toMatch(/^trajkit: no file of trajkit-test\/spark-sample@[0-9a-f]{40} matches --include\/--exclude\n$/);
    });

    it('shows the stack trace with --verbose', async () => {
      const run = await trajkit(['download', 'trajkit-test/nope', '--verbose']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^\s+at /m);
    });

    it('1 when a file fails its checksum; the rest land and --json lists the failure', async () => {
      hub.fault({ kind: 'resolve', path: 'README.md', action: { corrupt: true } });
      const run = await trajkit(['download', REPO, '--json']);
      expect(run.code).toBe(1);
      const summary = JSON.parse(run.stdout);
      expect(summary.files).toBe(files.length - 1);
      expect(summary.failed).toEqual([{ path: 'README.md', code: 'TK_HUB_INTEGRITY', message: expect.stringContaining('git oid') }]);
      expect(run.stderr).toMatch(/^trajkit: README\.md: README\.md: content does not match the listing/);
    });

    it('1 for a listing with a traversal path, and nothing is written', async () => {
      const evil = await startHubEmulator({ repos: [{ id: REPO, revisions: { main: files.slice(0, 2) } }] });
      try {
        evil.injectListing(REPO, [{ entry: { type: 'file', path: '../../outside.txt', oid: gitBlobOid(Buffer.from('x')), size: 1 }, content: 'x' }]);
        const out = join(tmp.dir, 'out');
        const run = await trajkit(['download', REPO, '--out', out], { HF_ENDPOINT: evil.url });
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/refusing unsafe path "..\/..\/outside.txt"/);
        expect(await listTree(tmp.dir)).toEqual([]);
      } finally {
        await evil.close();
      }
    });
  });

  it('keeps stdout clean of library debug output', async () => {
    const run = await trajkit(['download', REPO, '--json', '--include', 'README.md']);
    expect(run.stdout).not.toMatch(/Downloading/);
    expect(JSON.parse(run.stdout).files).toBe(1);
    expect(await readFile(join(JSON.parse(run.stdout).path, 'README.md'), 'utf8')).toContain('SPARK_PDI_Trajectory');
  });
});
