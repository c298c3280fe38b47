import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { downloadSnapshot } from '../src/hub/download-snapshot.js';
import type { EmulatorFile } from '../test/hub/emulator.js';
import type { Benchmark, BenchContext, BenchWork } from './benchmark.js';

/** The dataset the emulator serves. */
export const BENCH_REPO = 'bench/trajectories';
const REPO = BENCH_REPO;

/**
 * `downloadSnapshot` against the local Hub emulator (loopback HTTP, served from the harness
 * process), against a baseline that GETs each file body serially and writes it to disk with no
 * listing, checksum or cache layout. Shows what pinning, listing, sha256/git-oid checks and the
 * cache cost, what concurrency buys, and that a warm cache skips the bodies. Memory must not grow
 * with file size: the big files are streamed.
 */
export const hubBenchmark: Benchmark = {
  name: 'hub',
  prepare: async (dir, options) => {
    const sizeMB = options.sizeMB ?? 128;
    options.log(`hub: generating ${sizeMB} MB and serving it from a local emulator process`);
    const ready = await startServer(sizeMB * 1024 * 1024, dir);
    return { ...ready, dir };
  },
  baseline: {
    name: 'fetch-serial',
    run: async (context) => {
      const out = await mkdtemp(join(context.dir as string, 'plain-'));
      let bytes = 0;
      for (const path of context.files as string[]) {
        const response = await fetch(`${context.url}/datasets/${REPO}/resolve/${context.sha}/${path}`);
        if (!response.ok || !response.body) throw new Error(`GET ${path}: ${response.status}`);
        const target = join(out, path);
        await mkdir(dirname(target), { recursive: true });
        let n = 0;
        await pipeline(
          Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>).on('data', (c: Buffer) => (n += c.length)),
          createWriteStream(target),
        );
        bytes += n;
      }
      return { bytes, records: (context.files as string[]).length };
    },
  },
  jobs: [
    { name: 'download-c1', run: (context) => download(context, { concurrency: 1 }) },
    { name: 'download-c8', run: (context) => download(context, { concurrency: 8 }) },
    { name: 'cached', run: (context) => download(context, { cacheDir: context.warmCache as string }) },
    {
      name: 'cached+out',
      run: async (context) =>
        download(context, { cacheDir: context.warmCache as string, out: await mkdtemp(join(context.dir as string, 'out-')) }),
    },
  ],
  targets: [
    { job: 'download-c8', minRatio: 0.5, maxRssMB: 200 },
    { job: 'cached', minRatio: 5 },
  ],
};

async function download(context: BenchContext, extra: { concurrency?: number; cacheDir?: string; out?: string }): Promise<BenchWork> {
  const cacheDir = extra.cacheDir ?? (await mkdtemp(join(context.dir as string, 'cache-')));
  const result = await downloadSnapshot({ repo: REPO, hubUrl: context.url as string, ...extra, cacheDir });
  if (result.failed.length > 0 || result.bytes !== context.bytes) {
    throw new Error(`download incomplete: ${result.files} files, ${result.bytes} bytes, ${result.failed.length} failed`);
  }
  return {
    bytes: result.bytes,
    records: result.files,
    note: `${result.cached} cached, ${(result.downloadedBytes / 1024 / 1024).toFixed(1)} MB fetched`,
  };
}

/**
 * A trajectory dataset's shape: a few big JSONL logs (LFS, half the bytes in one file so memory
 * use would show if a file were buffered) and many small JSON/Markdown files (plain git).
 */
export function generateFiles(totalBytes: number): EmulatorFile[] {
  const files: EmulatorFile[] = [];
  const small = 64;
  for (let i = 0; i < small; i++) {
    files.push({ path: `tasks/task-${String(i).padStart(3, '0')}/attempts.json`, content: jsonl(16 * 1024) });
  }
  const big = totalBytes - small * 16 * 1024;
  files.push({ path: 'logs/all.jsonl', content: jsonl(Math.floor(big / 2)), lfs: true });
  for (let i = 0; i < 8; i++) files.push({ path: `logs/part-${i}.jsonl`, content: jsonl(Math.floor(big / 16)), lfs: true });
  return files;
}

function jsonl(bytes: number): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `${JSON.stringify({ type: 'execution_result', attempt: i, agent_stdout_full: randomBytes(768).toString('base64') })}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

/** Starts bench/hub-server.js and waits for its ready line; it lives until this process ends. */
async function startServer(totalBytes: number, dir: string): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./hub-server.js', import.meta.url)), String(totalBytes), dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`hub-server exited with code ${code} before it was ready`)));
  });
  lines.close();
  // Do not keep the harness alive; closing our end of stdin at exit stops the server.
  child.unref();
  child.stdout.destroy();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  return JSON.parse(line) as Record<string, unknown>;
}
