/**
 * A local Hugging Face Hub emulator for tests: answers, on 127.0.0.1, the endpoints
 * @huggingface/hub and trajkit's downloader really call (revision info, tree listing with
 * `Link` pagination, paths-info, resolve with ranges and ETags, raw HEAD), and misbehaves on
 * demand (5xx, connections dropped mid-body, corrupted bytes, ignored ranges, stalls, unsafe
 * listing entries, 401/403/404). Nothing inside the client process is mocked.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EmulatorFile {
  path: string;
  content: Buffer | string;
  /** Stored with Git LFS: the listing carries `lfs: {oid: sha256, size}` and the ETag is the sha256. */
  lfs?: boolean;
}

export interface EmulatorRepo {
  /** `owner/name` */
  id: string;
  /** `gated`: metadata and listing are public, files need an allowed token. Default public. */
  access?: 'public' | 'private' | 'gated';
  /** Tokens that may read a private or gated repo. */
  allow?: string[];
  /** Revision name (branch or tag, `refs/convert/parquet` allowed) → files; each is its own commit. */
  revisions: Record<string, EmulatorFile[]>;
}

export type FaultAction =
  | { status: number; errorCode?: string }
  /** Send the headers of a full answer, then this many body bytes, then reset the socket. */
  | { dropAfter: number }
  /** Serve the right size with one byte changed. */
  | { corrupt: true }
  /** Answer a Range request with 200 and the whole file. */
  | { ignoreRange: true }
  /** Send headers and this many bytes, then nothing more (until the client gives up). */
  | { stallAfter: number };

export interface Fault {
  kind: RequestKind | 'any';
  /** Only requests for this repo path (resolve) or folder (tree). */
  path?: string;
  /** How many matching requests misbehave. Default 1. */
  times?: number;
  action: FaultAction;
}

export type RequestKind = 'revision' | 'tree' | 'paths-info' | 'resolve' | 'raw' | 'other';

export interface RecordedRequest {
  method: string;
  kind: RequestKind;
  url: string;
  repo?: string;
  revision?: string;
  path?: string;
  range?: string;
  authorization?: string;
  status?: number;
}

interface StoredFile {
  path: string;
  content: Buffer;
  size: number;
  gitOid: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

interface Commit {
  sha: string;
  files: Map<string, StoredFile>;
  date: string;
}

interface RepoState {
  spec: EmulatorRepo;
  /** revision name → commit sha */
  refs: Map<string, string>;
  commits: Map<string, Commit>;
  /** Raw listing entries appended to every tree answer (unsafe paths and the like). */
  injected: Record<string, unknown>[];
  /** Bodies served for injected paths, so a client that does not refuse them would write them. */
  injectedContent: Map<string, Buffer>;
}

export interface HubEmulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** Tree listing page size (default 1000). */
  pageSize: number;
  /** Queue a misbehaviour for the next matching request(s). */
  fault(fault: Fault): void;
  /** Faults still queued. */
  pendingFaults(): number;
  /** Append raw entries (served with `content`) to every tree listing of `repo`. */
  injectListing(repo: string, entries: { entry: Record<string, unknown>; content?: string }[]): void;
  /** Commit sha of `revision` (default main) of `repo`. */
  sha(repo: string, revision?: string): string;
  /** Resolve GETs that asked for file bodies (not the `bytes=0-0` probe), optionally of one path. */
  bodyRequests(path?: string): RecordedRequest[];
  close(): Promise<void>;
  /** Lets the process exit while the server still listens (benchmarks, which have no teardown). */
  unref(): void;
}

/** Starts an emulator on 127.0.0.1 with an OS-chosen port. */
export async function startHubEmulator(options: { repos: EmulatorRepo[]; pageSize?: number }): Promise<HubEmulator> {
  const repos = new Map<string, RepoState>();
  for (const spec of options.repos) repos.set(spec.id, buildRepo(spec));
  const faults: (Fault & { left: number })[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let base = '';

  const emulator: HubEmulator = {
    url: '',
    requests,
    pageSize: options.pageSize ?? 1000,
    fault: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    pendingFaults: () => faults.reduce((n, f) => n + f.left, 0),
    injectListing(repo, entries) {
      const state = repos.get(repo)!;
      for (const { entry, content } of entries) {
        state.injected.push(entry);
        if (content !== undefined) state.injectedContent.set(String(entry.path), Buffer.from(content));
      }
    },
    sha: (repo, revision = 'main') => repos.get(repo)!.refs.get(revision)!,
    bodyRequests: (path) =>
      requests.filter((r) => r.kind === 'resolve' && r.method === 'GET' && r.range !== 'bytes=0-0' && (path === undefined || r.path === path)),
    unref: () => server.unref(),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) json(res, 500, { error: `emulator bug: ${(error as Error).message}` });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emulator.url = base;
  return emulator;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      kind: 'other',
      url: req.url ?? '',
      range: header(req, 'range'),
      authorization: header(req, 'authorization'),
    };
    requests.push(record);
    res.setHeader('X-Request-Id', `req-${requests.length}`);
    res.on('finish', () => (record.status = res.statusCode));
    const body = req.method === 'POST' ? await readBody(req) : '';

    // /api/datasets/{o}/{n}/{revision|tree|paths-info}/... and /datasets/{o}/{n}/{resolve|raw}/...
    const api = segments[0] === 'api';
    const at = api ? 1 : 0;
    if (segments[at] !== 'datasets' || segments.length < at + 4) return json(res, 404, { error: 'Not found' });
    const repoId = `${segments[at + 1]}/${segments[at + 2]}`;
    const verb = segments[at + 3];
    const rest = segments.slice(at + 4);
    record.repo = repoId;
    record.kind = api
      ? verb === 'revision'
        ? 'revision'
        : verb === 'tree'
          ? 'tree'
          : verb === 'paths-info'
            ? 'paths-info'
            : 'other'
      : verb === 'resolve'
        ? 'resolve'
        : verb === 'raw'
          ? 'raw'
          : 'other';
    const repo = repos.get(repoId);
    const token = /^Bearer (.+)$/.exec(record.authorization ?? '')?.[1];
    // Like the Hub: a missing repo looks like a private one (401 anonymous, 404 with a token).
    if (!repo) return json(res, token === undefined ? 401 : 404, { error: 'Repository Not Found' }, 'RepoNotFound');

    const allowed = token !== undefined && (repo.spec.allow ?? []).includes(token);
    const access = repo.spec.access ?? 'public';
    if (token !== undefined && !token.startsWith('hf_')) return json(res, 401, { error: 'Invalid credentials in Authorization header' });
    if (access === 'private' && !allowed) {
      return token === undefined
        ? json(res, 401, { error: 'Repository Not Found' }, 'RepoNotFound')
        : json(res, 404, { error: 'Repository Not Found' }, 'RepoNotFound');
    }

    const { revision, path } = splitRevision(repo, record.kind, rest);
    record.revision = revision;
    record.path = path;
    const fault = takeFault(record);
    if (fault && 'status' in fault.action) {
      return json(res, fault.action.status, { error: `injected ${fault.action.status}` }, fault.action.errorCode);
    }

    const commit = revision === undefined ? undefined : repo.commits.get(repo.refs.get(revision) ?? revision);

    if (record.kind === 'revision') {
      if (!commit) return json(res, 404, { error: 'Revision Not Found' }, 'RevisionNotFound');
      return json(res, 200, {
        _id: createHash('sha1').update(repoId).digest('hex').slice(0, 24),
        id: repoId,
        sha: commit.sha,
        private: access === 'private',
        gated: access === 'gated' ? 'manual' : false,
        downloads: 0,
        likes: 0,
        lastModified: commit.date,
      });
    }
    if (!commit) return json(res, 404, { error: 'Revision Not Found' }, 'RevisionNotFound');

    if (record.kind === 'tree') return tree(res, url, repo, commit, path ?? '');
    if (record.kind === 'paths-info') {
      const { paths = [], expand = false } = JSON.parse(body || '{}') as { paths?: string[]; expand?: boolean };
      const entries = paths.flatMap((p) => {
        const file = commit.files.get(p);
        if (file) return [fileEntry(file, commit, expand)];
        if ([...commit.files.keys()].some((k) => k.startsWith(`${p}/`))) return [{ type: 'directory', oid: fakeOid(p), size: 0, path: p }];
        return [];
      });
      return json(res, 200, entries);
    }
    if (record.kind === 'resolve' || record.kind === 'raw') {
      if (access === 'gated' && !allowed) {
        return token === undefined
          ? json(res, 401, { error: 'Access to this dataset is restricted. You must be authenticated.' }, 'GatedRepo')
          : json(res, 403, { error: 'Access to this dataset is restricted and you are not in the authorized list.' }, 'GatedRepo');
      }
      const file = commit.files.get(path ?? '');
      const injected = repo.injectedContent.get(path ?? '');
      if (!file && !injected) return json(res, 404, { error: 'Entry not found' }, 'EntryNotFound');
      const stored = file ?? store(path!, injected!, false);
      return serveFile(req, res, stored, commit, record.kind === 'raw', fault?.action);
    }
    return json(res, 404, { error: 'Not found' });
  }

  function takeFault(record: RecordedRequest): Fault | undefined {
    const index = faults.findIndex((f) => (f.kind === 'any' || f.kind === record.kind) && (f.path === undefined || f.path === record.path));
    if (index < 0) return undefined;
    const fault = faults[index];
    if (--fault.left <= 0) faults.splice(index, 1);
    return fault;
  }

  function tree(res: ServerResponse, url: URL, repo: RepoState, commit: Commit, folder: string): void {
    const recursive = url.searchParams.get('recursive') === 'true';
    const expand = url.searchParams.get('expand') === 'true';
    const prefix = folder === '' ? '' : `${folder}/`;
    const files = [...commit.files.values()].filter((f) => f.path.startsWith(prefix)).sort((a, b) => (a.path < b.path ? -1 : 1));
    if (folder !== '' && files.length === 0) return json(res, 404, { error: 'Entry not found' }, 'EntryNotFound');
    const dirs = new Set<string>();
    const entries: unknown[] = [];
    for (const file of files) {
      const parts = file.path.slice(prefix.length).split('/');
      for (let i = 1; i < parts.length; i++) {
        if (!recursive && i > 1) break;
        const dir = prefix + parts.slice(0, i).join('/');
        if (!dirs.has(dir)) {
          dirs.add(dir);
          entries.push({ type: 'directory', oid: fakeOid(dir), size: 0, path: dir });
        }
      }
      if (recursive || parts.length === 1) entries.push(fileEntry(file, commit, expand));
    }
    entries.push(...repo.injected);
    const cursor = Number(url.searchParams.get('cursor') ?? 0);
    const page = entries.slice(cursor, cursor + emulator.pageSize);
    const next = cursor + emulator.pageSize;
    if (next < entries.length) {
      const link = new URL(url.href);
      link.searchParams.set('cursor', String(next));
      res.setHeader('Link', `<${link.href}>; rel="next"`);
    }
    json(res, 200, page);
  }

  function serveFile(req: IncomingMessage, res: ServerResponse, file: StoredFile, commit: Commit, raw: boolean, action?: FaultAction): void {
    let content = raw && file.lfs ? lfsPointer(file) : file.content;
    if (action && 'corrupt' in action && content.length > 0) {
      content = Buffer.from(content);
      content[content.length >> 1] ^= 0xff;
    }
    const etag = raw || !file.lfs ? file.gitOid : file.lfs.oid;
    res.setHeader('ETag', `"${etag}"`);
    res.setHeader('X-Repo-Commit', commit.sha);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', 'application/octet-stream');
    if (file.lfs && !raw) {
      res.setHeader('X-Linked-ETag', `"${file.lfs.oid}"`);
      res.setHeader('X-Linked-Size', String(file.size));
    }
    let start = 0;
    let end = content.length - 1;
    let status = 200;
    const range = /^bytes=(\d+)-(\d*)$/.exec(header(req, 'range') ?? '');
    if (range && !(action && 'ignoreRange' in action)) {
      start = Number(range[1]);
      end = range[2] === '' ? content.length - 1 : Math.min(Number(range[2]), content.length - 1);
      if (start >= content.length && content.length > 0) {
        res.setHeader('Content-Range', `bytes */${content.length}`);
        res.writeHead(416);
        res.end();
        return;
      }
      status = 206;
      res.setHeader('Content-Range', `bytes ${start}-${end}/${content.length}`);
    }
    const slice = content.subarray(start, end + 1);
    res.setHeader('Content-Length', String(slice.length));
    res.writeHead(status);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (action && 'dropAfter' in action) {
      res.write(slice.subarray(0, action.dropAfter), () => setTimeout(() => res.socket?.resetAndDestroy(), 5));
      return;
    }
    if (action && 'stallAfter' in action) {
      res.write(slice.subarray(0, action.stallAfter));
      return;
    }
    res.end(slice);
  }
}

/** Files of the SPARK sample in ../shared/data, laid out as on the Hub (`all_model_pdi/<task>/…`). */
export function sparkFiles(tasks = ['citation-check', 'powerlifting-coef-calc', 'mhc-layer-impl']): EmulatorFile[] {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/data/spark/all_model_pdi');
  const files: EmulatorFile[] = [
    { path: '.gitattributes', content: '*.jsonl filter=lfs diff=lfs merge=lfs -text\n' },
    { path: 'README.md', content: '---\nlicense: mit\n---\n# SPARK_PDI_Trajectory (test copy)\n' },
  ];
  for (const task of tasks) {
    for (const name of ['SKILL.md', 'attempts.json', 'trajectory.jsonl']) {
      let content: Buffer;
      try {
        content = readFileSync(join(root, task, name));
      } catch {
        continue; // the release itself lacks some files
      }
      files.push({ path: `all_model_pdi/${task}/${name}`, content, lfs: name.endsWith('.jsonl') });
    }
  }
  return files;
}

/** Git's blob oid: sha1 over `blob <size>\0` + content. */
export function gitBlobOid(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

function buildRepo(spec: EmulatorRepo): RepoState {
  const state: RepoState = { spec, refs: new Map(), commits: new Map(), injected: [], injectedContent: new Map() };
  for (const [revision, files] of Object.entries(spec.revisions)) {
    const stored = new Map(files.map((f) => [f.path, store(f.path, Buffer.from(f.content), f.lfs === true)]));
    const sha = createHash('sha1')
      .update(`${spec.id}\0${revision}\0`)
      .update([...stored.values()].map((f) => `${f.path}:${f.gitOid}`).join('\n'))
      .digest('hex');
    state.commits.set(sha, { sha, files: stored, date: '2025-01-01T00:00:00.000Z' });
    state.refs.set(revision, sha);
  }
  return state;
}

function store(path: string, content: Buffer, lfs: boolean): StoredFile {
  const file: StoredFile = { path, content, size: content.length, gitOid: gitBlobOid(content) };
  if (lfs) {
    const oid = createHash('sha256').update(content).digest('hex');
    const pointer = lfsPointer({ ...file, lfs: { oid, size: content.length, pointerSize: 0 } });
    file.lfs = { oid, size: content.length, pointerSize: pointer.length };
    file.gitOid = gitBlobOid(pointer);
  }
  return file;
}

function lfsPointer(file: StoredFile): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${file.lfs!.oid}\nsize ${file.size}\n`);
}

function fileEntry(file: StoredFile, commit: Commit, expand: boolean): Record<string, unknown> {
  return {
    type: 'file',
    oid: file.gitOid,
    size: file.size,
    path: file.path,
    ...(file.lfs ? { lfs: file.lfs } : {}),
    ...(expand ? { lastCommit: { id: commit.sha, title: 'Upload', date: commit.date } } : {}),
  };
}

function fakeOid(path: string): string {
  return createHash('sha1').update(`tree:${path}`).digest('hex');
}

/** Splits what follows the verb into revision and path; tree URLs carry the revision unencoded. */
function splitRevision(repo: RepoState, kind: RequestKind, rest: string[]): { revision?: string; path?: string } {
  if (rest.length === 0) return {};
  if (kind === 'tree') {
    for (let n = rest.length; n >= 1; n--) {
      const candidate = rest.slice(0, n).join('/');
      if (repo.refs.has(candidate) || repo.commits.has(candidate)) return { revision: candidate, path: rest.slice(n).join('/') };
    }
  }
  return { revision: rest[0], path: rest.slice(1).join('/') };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, errorCode?: string): void {
  if (errorCode) res.setHeader('X-Error-Code', errorCode);
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A token the emulator treats as valid for repos that list it in `allow`. */
export const TEST_TOKEN = `hf_test_${randomBytes(8).toString('hex')}`;
