import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { downloadFileToCacheDir, scanCacheDir } from '@huggingface/hub';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cacheLayout, downloadSnapshot, HubError, type DownloadSnapshotOptions } from '../../src/hub/index.js';
import { gitBlobOid, sparkFiles, startHubEmulator, TEST_TOKEN, type HubEmulator } from './emulator.js';
import { deadEndpoint, FAST_RETRY, listTree, tempDir } from './helpers.js';

const REPO = 'trajkit-test/spark-sample';
const files = sparkFiles();
let hub: HubEmulator;
let tmp: { dir: string; cleanup: () => Promise<void> };
let cacheDir: string;

beforeAll(async () => {
  hub = await startHubEmulator({
    pageSize: 4,
    repos: [
      { id: REPO, revisions: { main: files, 'refs/convert/parquet': files.slice(0, 3), 'v1.0': files.slice(0, 4) } },
      { id: 'trajkit-test/private', access: 'private', allow: [TEST_TOKEN], revisions: { main: files.slice(0, 3) } },
      { id: 'trajkit-test/gated', access: 'gated', allow: [TEST_TOKEN], revisions: { main: files.slice(0, 3) } },
      {
        id: 'trajkit-test/dupes',
        revisions: {
          main: [
            { path: 'a/same.jsonl', content: '{"x":1}\n', lfs: true },
            { path: 'b/same.jsonl', content: '{"x":1}\n', lfs: true },
            { path: 'empty.txt', content: '' },
          ],
        },
      },
    ],
  });
});
afterAll(() => hub.close());
beforeEach(async () => {
  tmp = await tempDir();
  cacheDir = join(tmp.dir, 'hub');
  hub.requests.length = 0;
});
afterEach(async () => {
  expect(hub.pendingFaults(), 'every injected fault was triggered').toBe(0);
  await tmp.cleanup();
});

function download(extra: Partial<DownloadSnapshotOptions> = {}) {
  return downloadSnapshot({ repo: REPO, hubUrl: hub.url, cacheDir, retry: FAST_RETRY, concurrency: 3, ...extra });
}

const contentOf = (path: string) => Buffer.from(files.find((f) => f.path === path)!.content);

describe('downloadSnapshot against the Hub emulator', () => {
  it('pins main to its commit, pages through the listing and fills a Python-compatible cache', async () => {
    const result = await download();
    const sha = hub.sha(REPO);
    expect(result.revision).toBe(sha);
    expect(result.requestedRevision).toBe('main');
    expect(result.files).toBe(files.length);
    expect(result.bytes).toBe(files.reduce((n, f) => n + Buffer.byteLength(f.content), 0));
    expect(result.cached).toBe(0);
    expect(result.failed).toEqual([]);
    expect(hub.requests.filter((r) => r.kind === 'tree').length).toBeGreaterThan(2); // Link pagination followed
    // Every listing and file request used the sha, never the branch name.
    expect(hub.requests.filter((r) => r.kind === 'tree' || r.kind === 'resolve').every((r) => r.revision === sha)).toBe(true);

    const layout = cacheLayout(cacheDir, REPO);
    expect(layout.repoDir).toBe(join(cacheDir, 'datasets--trajkit-test--spark-sample'));
    expect(result.path).toBe(layout.snapshotDir(sha));
    expect((await readFile(layout.ref('main'), 'utf8')).trim()).toBe(sha);
    for (const file of files) {
      const content = Buffer.from(file.content);
      const pointer = layout.pointer(sha, file.path);
      expect((await lstat(pointer)).isSymbolicLink()).toBe(true);
      const target = await readlink(pointer);
      expect(target.startsWith('../')).toBe(true); // relative, as huggingface_hub writes them
      const etag = file.lfs ? createHash('sha256').update(content).digest('hex') : gitBlobOid(content);
      expect(resolve(dirname(pointer), target)).toBe(layout.blob(etag));
      expect((await readFile(pointer)).equals(content)).toBe(true);
    }
    expect((await listTree(join(layout.repoDir, 'blobs'))).some((p) => p.endsWith('.incomplete'))).toBe(false);
  });

  it("writes a cache that @huggingface/hub's own cache reader and downloader accept", async () => {
    const result = await download();
    const scan = await scanCacheDir(cacheDir);
    expect(scan.warnings).toEqual([]);
    expect(scan.repos).toHaveLength(1);
    const [repo] = scan.repos;
    expect(repo.id).toEqual({ type: 'dataset', name: REPO });
    expect(repo.revisions.map((r) => [r.commitOid, r.refs])).toEqual([[result.revision, ['main']]]);
    // scanCacheDir lists only a snapshot's top-level files.
    expect(repo.revisions[0].files.map((f) => f.path.split('/').at(-1)).sort()).toEqual(['.gitattributes', 'README.md']);

    hub.requests.length = 0;
    const nested = 'all_model_pdi/citation-check/trajectory.jsonl';
    const pointer = await downloadFileToCacheDir({ repo: { type: 'dataset', name: REPO }, path: nested, revision: result.revision, cacheDir, hubUrl: hub.url });
    expect(pointer).toBe(cacheLayout(cacheDir, REPO).pointer(result.revision, nested));
    expect(hub.requests).toEqual([]); // found in our cache, nothing fetched
  });

  it('serves a second download from the cache without fetching any file body', async () => {
    await download();
    const bodies = hub.bodyRequests().length;
    expect(bodies).toBe(files.length);
    const again = await download();
    expect(hub.bodyRequests().length).toBe(bodies);
    expect(again.cached).toBe(files.length);
    expect(again.downloadedBytes).toBe(0);
    expect(again.revision).toBe(hub.sha(REPO));
  });

  it('reuses blobs across revisions and writes nested refs for refs/convert/parquet', async () => {
    await download();
    const bodies = hub.bodyRequests().length;
    const result = await download({ revision: 'refs/convert/parquet' });
    expect(result.revision).toBe(hub.sha(REPO, 'refs/convert/parquet'));
    expect(result.cached).toBe(3);
    expect(hub.bodyRequests().length).toBe(bodies);
    const layout = cacheLayout(cacheDir, REPO);
    expect((await readFile(join(layout.repoDir, 'refs', 'refs', 'convert', 'parquet'), 'utf8')).trim()).toBe(result.revision);
  });

  it('selects files with --include/--exclude patterns (fnmatch: * crosses folders)', async () => {
    const result = await download({ include: ['*.jsonl', 'README.md'], exclude: ['*mhc-layer-impl*'] });
    expect(result.entries.map((e) => e.path)).toEqual([
      'README.md',
      'all_model_pdi/citation-check/trajectory.jsonl',
      'all_model_pdi/powerlifting-coef-calc/trajectory.jsonl',
    ]);
    expect(hub.bodyRequests().length).toBe(3);
    const folder = await download({ include: ['all_model_pdi/citation-check/'] });
    expect(folder.files).toBe(3);
  });

  it('materialises a plain folder with --out', async () => {
    const out = join(tmp.dir, 'plain');
    const result = await download({ out, include: ['all_model_pdi/citation-check/*'] });
    expect(result.path).toBe(out);
    expect(await listTree(out)).toEqual([
      'all_model_pdi',
      'all_model_pdi/citation-check',
      'all_model_pdi/citation-check/SKILL.md',
      'all_model_pdi/citation-check/attempts.json',
      'all_model_pdi/citation-check/trajectory.jsonl',
    ]);
    for (const entry of result.entries) {
      expect((await lstat(entry.localPath)).isFile()).toBe(true);
      expect((await readFile(entry.localPath)).equals(contentOf(entry.path))).toBe(true);
    }
  });

  it('downloads identical contents once and links both paths to one blob', async () => {
    const result = await downloadSnapshot({ repo: 'trajkit-test/dupes', hubUrl: hub.url, cacheDir, retry: FAST_RETRY });
    expect(result.files).toBe(3);
    expect(hub.bodyRequests().filter((r) => r.path?.endsWith('same.jsonl')).length).toBe(1);
    expect(await readFile(result.entries[0].localPath, 'utf8')).toBe('{"x":1}\n');
    expect(await readFile(result.entries[1].localPath, 'utf8')).toBe('{"x":1}\n');
    expect((await stat(result.entries[2].localPath)).size).toBe(0);
  });

  it('retries 5xx answers with backoff on every endpoint', async () => {
    hub.fault({ kind: 'revision', times: 2, action: { status: 503 } });
    hub.fault({ kind: 'tree', times: 1, action: { status: 502 } });
    hub.fault({ kind: 'resolve', path: 'README.md', times: 2, action: { status: 500 } });
    const retries: string[] = [];
    const result = await download({ onRetry: (e) => retries.push(e.reason) });
    expect(result.failed).toEqual([]);
    expect(result.files).toBe(files.length);
    expect(retries).toEqual(expect.arrayContaining(['HTTP 503', 'HTTP 502', 'HTTP 500']));
    expect(retries.length).toBe(5);
  });

  it('gives up after the retry budget with a one-line error and exit code 1', async () => {
    hub.fault({ kind: 'revision', times: FAST_RETRY.attempts, action: { status: 503 } });
    const error = await download().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubError);
    expect((error as HubError).code).toBe('TK_HUB_HTTP');
    expect((error as HubError).exitCode).toBe(1);
    expect((error as HubError).status).toBe(503);
    expect((error as HubError).requestId).toMatch(/^req-\d+$/);
  });

  it('resumes a connection dropped mid-body with a Range request', async () => {
    const path = 'all_model_pdi/citation-check/trajectory.jsonl';
    hub.fault({ kind: 'resolve', path, action: { dropAfter: 40_000 } });
    const retries: string[] = [];
    const result = await download({ include: [path], onRetry: (e) => retries.push(e.reason) });
    expect(result.failed).toEqual([]);
    expect(retries).toHaveLength(1);
    const ranges = hub.bodyRequests(path).map((r) => r.range);
    expect(ranges[0]).toBeUndefined();
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(Number(/=(\d+)-/.exec(ranges[1]!)![1])).toBeGreaterThan(0);
    expect((await readFile(result.entries[0].localPath)).equals(contentOf(path))).toBe(true);
  });

  it('resumes an .incomplete blob left by an earlier run', async () => {
    const path = 'all_model_pdi/powerlifting-coef-calc/trajectory.jsonl';
    hub.fault({ kind: 'resolve', path, action: { dropAfter: 50_000 } });
    const first = await download({ include: [path], retry: { ...FAST_RETRY, attempts: 1 } });
    expect(first.files).toBe(0);
    expect(first.failed.map((f) => [f.path, f.error.code, f.error.exitCode])).toEqual([[path, 'TK_HUB_TRANSFER', 1]]);
    const etag = createHash('sha256').update(contentOf(path)).digest('hex');
    const partial = await stat(cacheLayout(cacheDir, REPO).incomplete(etag));
    expect(partial.size).toBeGreaterThan(0);
    expect(partial.size).toBeLessThan(contentOf(path).length);

    const second = await download({ include: [path] });
    expect(second.failed).toEqual([]);
    expect(hub.bodyRequests(path).at(-1)!.range).toBe(`bytes=${partial.size}-`);
    expect(second.downloadedBytes).toBe(contentOf(path).length - partial.size);
    expect((await readFile(second.entries[0].localPath)).equals(contentOf(path))).toBe(true);
  });

  it('starts over when the server ignores the Range of a resume', async () => {
    const path = 'all_model_pdi/citation-check/trajectory.jsonl';
    hub.fault({ kind: 'resolve', path, action: { dropAfter: 30_000 } });
    hub.fault({ kind: 'resolve', path, action: { ignoreRange: true } });
    const result = await download({ include: [path] });
    expect(result.failed).toEqual([]);
    expect((await readFile(result.entries[0].localPath)).equals(contentOf(path))).toBe(true);
  });

  it('aborts a stalled transfer after the idle timeout and resumes it', async () => {
    const path = 'all_model_pdi/citation-check/attempts.json';
    hub.fault({ kind: 'resolve', path, action: { stallAfter: 1000 } });
    const result = await download({ include: [path], idleTimeoutMs: 200 });
    expect(result.failed).toEqual([]);
    expect(hub.bodyRequests(path).at(-1)!.range).toBe('bytes=1000-');
    expect((await readFile(result.entries[0].localPath)).equals(contentOf(path))).toBe(true);
  });

  it('rejects wrong bytes (sha256 for LFS, git oid otherwise) and leaves nothing of them in the cache', async () => {
    const lfsPath = 'all_model_pdi/citation-check/trajectory.jsonl';
    const gitPath = 'all_model_pdi/citation-check/SKILL.md';
    hub.fault({ kind: 'resolve', path: lfsPath, action: { corrupt: true } });
    hub.fault({ kind: 'resolve', path: gitPath, action: { corrupt: true } });
    const result = await download();
    expect(result.failed.map((f) => [f.path, f.error.code, f.error.exitCode])).toEqual([
      [gitPath, 'TK_HUB_INTEGRITY', 1],
      [lfsPath, 'TK_HUB_INTEGRITY', 1],
    ]);
    expect(result.failed[1].error.message).toMatch(/sha256/);
    expect(result.failed[0].error.message).toMatch(/git oid/);
    expect(result.files).toBe(files.length - 2);
    const layout = cacheLayout(cacheDir, REPO);
    const blobs = await listTree(join(layout.repoDir, 'blobs'));
    expect(blobs).toHaveLength(files.length - 2);
    expect(blobs.some((b) => b.endsWith('.incomplete'))).toBe(false);
    const snapshot = await listTree(layout.snapshotDir(result.revision));
    expect(snapshot).not.toContain(lfsPath);
    expect(snapshot).not.toContain(gitPath);

    // The next run fetches just the two missing files, now intact.
    const again = await download();
    expect(again.failed).toEqual([]);
    expect(again.cached).toBe(files.length - 2);
  });

  it.each([
    ['../escape.txt', 'TK_HUB_UNSAFE_PATH'],
    ['/etc/passwd-copy', 'TK_HUB_UNSAFE_PATH'],
    ['all_model_pdi/../../../escape.txt', 'TK_HUB_UNSAFE_PATH'],
    ['C:/escape.txt', 'TK_HUB_UNSAFE_PATH'],
    ['a\\..\\escape.txt', 'TK_HUB_UNSAFE_PATH'],
  ])('refuses a listing that names %s and writes nothing', async (evil, code) => {
    const local = await startHubEmulator({ repos: [{ id: REPO, revisions: { main: files.slice(0, 3) } }] });
    try {
      local.injectListing(REPO, [{ entry: { type: 'file', path: evil, oid: gitBlobOid(Buffer.from('pwned')), size: 5 }, content: 'pwned' }]);
      const out = join(tmp.dir, 'out');
      const error = await downloadSnapshot({ repo: REPO, hubUrl: local.url, cacheDir, out, retry: FAST_RETRY }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HubError);
      expect((error as HubError).code).toBe(code);
      expect((error as HubError).message).toContain(JSON.stringify(evil));
      expect(local.bodyRequests()).toEqual([]);
      // Nothing was downloaded: no blobs, no snapshot files, no out folder, nothing beside them.
      expect(await listTree(tmp.dir)).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it('refuses a listing where one path is both a file and a folder', async () => {
    const local = await startHubEmulator({ repos: [{ id: REPO, revisions: { main: [{ path: 'data', content: 'x' }] } }] });
    try {
      local.injectListing(REPO, [{ entry: { type: 'file', path: 'data/inner.jsonl', oid: gitBlobOid(Buffer.from('y')), size: 1 }, content: 'y' }]);
      const error = await downloadSnapshot({ repo: REPO, hubUrl: local.url, cacheDir, retry: FAST_RETRY }).catch((e: unknown) => e);
      expect((error as HubError).code).toBe('TK_HUB_UNSAFE_PATH');
      expect(local.bodyRequests()).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it('does not follow a symlink planted in the snapshot folder', async () => {
    const sha = hub.sha(REPO);
    const layout = cacheLayout(cacheDir, REPO);
    const outside = join(tmp.dir, 'outside');
    await mkdir(outside);
    await mkdir(layout.snapshotDir(sha), { recursive: true });
    await symlink(outside, join(layout.snapshotDir(sha), 'all_model_pdi'));
    const error = await download().catch((e: unknown) => e);
    expect((error as HubError).code).toBe('TK_HUB_UNSAFE_PATH');
    expect((error as HubError).message).toMatch(/snapshots\/[0-9a-f]{40}\/all_model_pdi: it is a symlink/);
    expect(await listTree(outside)).toEqual([]);
  });

  it('refuses a blob name that is not a hash', async () => {
    const local = await startHubEmulator({ repos: [{ id: REPO, revisions: { main: [] } }] });
    try {
      local.injectListing(REPO, [{ entry: { type: 'file', path: 'x.txt', oid: '../../../../escape', size: 1 }, content: 'x' }]);
      const error = await downloadSnapshot({ repo: REPO, hubUrl: local.url, cacheDir, retry: FAST_RETRY }).catch((e: unknown) => e);
      expect((error as HubError).code).toBe('TK_HUB_BAD_RESPONSE');
      expect(await listTree(tmp.dir)).toEqual([]);
    } finally {
      await local.close();
    }
  });

  describe('access and addressing errors (exit 2, one line, no token)', () => {
    const cases: [string, Partial<DownloadSnapshotOptions>, string, number | undefined][] = [
      ['private repo without a token', { repo: 'trajkit-test/private' }, 'TK_HUB_REPO_NOT_FOUND', 401],
      ['private repo with an unknown token', { repo: 'trajkit-test/private', accessToken: 'hf_wrong' }, 'TK_HUB_REPO_NOT_FOUND', 404],
      ['gated repo without a token', { repo: 'trajkit-test/gated' }, 'TK_HUB_GATED', undefined],
      ['gated repo, token without access', { repo: 'trajkit-test/gated', accessToken: 'hf_not_granted' }, 'TK_HUB_GATED', 403],
      ['missing repo', { repo: 'trajkit-test/nope' }, 'TK_HUB_REPO_NOT_FOUND', 401],
      ['missing revision', { revision: 'no-such-branch' }, 'TK_HUB_REVISION_NOT_FOUND', 404],
      ['dead endpoint', { hubUrl: 'DEAD' }, 'TK_HUB_UNREACHABLE', undefined],
    ];
    it.each(cases)('%s', async (_name, extra, code, status) => {
      const hubUrl = extra.hubUrl === 'DEAD' ? await deadEndpoint() : (extra.hubUrl ?? hub.url);
      const error = await download({ ...extra, hubUrl }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HubError);
      const hubError = error as HubError;
      expect(hubError.code).toBe(code);
      expect(hubError.exitCode).toBe(2);
      expect(hubError.status).toBe(status);
      expect(hubError.message).not.toContain('\n');
      expect(hubError.message).not.toContain(TEST_TOKEN);
      expect(hubError.message).not.toMatch(/hf_wrong|hf_not_granted/);
      expect(hubError.message).toMatch(code === 'TK_HUB_UNREACHABLE' ? /cannot reach .*: connection refused/ : /trajkit-test\/|no-such-branch/);
    });

    it('reads private and gated repos with an allowed token, sent only as a header', async () => {
      for (const repo of ['trajkit-test/private', 'trajkit-test/gated']) {
        const result = await download({ repo, accessToken: TEST_TOKEN });
        expect(result.files).toBe(3);
      }
      expect(hub.requests.every((r) => r.authorization === `Bearer ${TEST_TOKEN}`)).toBe(true);
      expect(hub.requests.some((r) => r.url.includes(TEST_TOKEN))).toBe(false);
    });
  });

  it('serves from the cache only when offline, and says so when it cannot', async () => {
    await download();
    const noNetwork = (() => {
      throw new Error('network used while offline');
    }) as unknown as typeof fetch;
    const offline = await download({ offline: true, fetch: noNetwork, include: ['*.jsonl'] });
    expect(offline.revision).toBe(hub.sha(REPO));
    expect(offline.files).toBe(3);
    expect(offline.cached).toBe(3);
    const missing = await download({ offline: true, fetch: noNetwork, revision: 'v1.0' }).catch((e: unknown) => e);
    expect((missing as HubError).code).toBe('TK_HUB_OFFLINE');
    expect((missing as HubError).exitCode).toBe(2);
  });

  it('reports progress in bytes and files, ending complete', async () => {
    const seen: { filesDone: number; bytesDone: number }[] = [];
    const result = await download({ onProgress: (p) => seen.push(p) });
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ filesTotal: files.length, filesDone: files.length, bytesDone: result.bytes, bytesTotal: result.bytes });
    expect(seen.length).toBeGreaterThan(files.length);

    // Blobs already present (another revision) but not yet linked count as done too.
    const other: { bytesDone: number; bytesTotal: number }[] = [];
    await download({ revision: 'v1.0', onProgress: (p) => other.push(p) });
    expect(other.at(-1)!.bytesDone).toBe(other.at(-1)!.bytesTotal);
  });

  it('keeps a leftover .incomplete that is longer than the file from corrupting the result', async () => {
    const path = 'README.md';
    const etag = gitBlobOid(contentOf(path));
    const layout = cacheLayout(cacheDir, REPO);
    await mkdir(join(layout.repoDir, 'blobs'), { recursive: true });
    await writeFile(layout.incomplete(etag), Buffer.alloc(10_000, 1));
    const result = await download({ include: [path] });
    expect(result.failed).toEqual([]);
    expect((await readFile(result.entries[0].localPath)).equals(contentOf(path))).toBe(true);
  });
});
