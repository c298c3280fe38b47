import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { threadId } from 'node:worker_threads';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compiledModuleUrl,
  LineBatcher,
  linePoolAvailable,
  openLinePool,
  WorkerError,
  type LineBatchTransform,
  type LinePool,
  type LinePoolItem,
} from '../../src/io/parallel-lines.js';
import { readLines } from '../../src/io/read-lines.js';

// Workers run the compiled pool (dist/, built by `npm test`) with hand-written JS worker modules.
const ROOT = join(import.meta.dirname, '..', '..');
const ECHO = pathToFileURL(join(ROOT, 'fixtures/parallel-lines/echo-lines.mjs'));
const BAD_RESULT = pathToFileURL(join(ROOT, 'fixtures/parallel-lines/bad-result.mjs'));
const FAILS_TO_LOAD = pathToFileURL(join(ROOT, 'fixtures/parallel-lines/fails-to-load.mjs'));
const tmp = mkdtempSync(join(tmpdir(), 'tk-parallel-lines-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type EchoLine = [lineNumber: number, text: string, byteLength: number, invalidUtf8: boolean];
interface EchoInit {
  slowSeqs?: number[];
  throwAt?: { seq: number; line: number };
  exitAt?: number;
  crashAt?: number;
  counter?: Int32Array;
  recurse?: { seq: number; depth: number };
}
type Echo = { seq: number; lines: EchoLine[]; threadId: number; byteLength: number };

/** mulberry32, so the generated inputs are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lines of every kind the readers meet: blank, CRLF, multi-byte, invalid UTF-8, long. */
function awkwardInput(random: () => number, lines: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < lines; i++) {
    const r = random();
    if (r < 0.1) parts.push(Buffer.from(''));
    else if (r < 0.2) parts.push(Buffer.from(`{"crlf":${i}}\r`));
    else if (r < 0.3) parts.push(Buffer.from(`{"text":"é中🙂 ${i}"}`));
    else if (r < 0.35) parts.push(Buffer.from([0x7b, 0xff, 0xc3, 0x7d]));
    else if (r < 0.4) parts.push(Buffer.from(`{"long":"${'x'.repeat(Math.floor(random() * 20_000))}"}`));
    else parts.push(Buffer.from(`{"n":${i},"pad":"${'y'.repeat(Math.floor(random() * 200))}"}`));
  }
  return Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')]));
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** What the pool saw, as absolute lines, plus how many batches and whether reading failed. */
async function viaPool(pool: LinePool<EchoInit, Echo>, file: string, init: EchoInit = {}, gzip?: boolean) {
  const lines: EchoLine[] = [];
  const items = await collect(pool.map(file, init, { gzip }));
  let before = 0;
  let seq = 0;
  for (const item of items) {
    if (item.kind === 'read-failed') continue;
    expect(item.value.seq).toBe(seq++);
    expect(item.value.lines.length).toBe(item.lines);
    for (const [n, ...rest] of item.value.lines) lines.push([before + n, ...rest]);
    before += item.lines;
  }
  return { lines, items };
}

async function viaReadLines(file: string): Promise<EchoLine[]> {
  const lines: EchoLine[] = [];
  for await (const l of readLines(file)) lines.push([l.lineNumber, l.text, l.byteLength, l.invalidUtf8]);
  return lines;
}

beforeAll(() => {
  const entry = compiledModuleUrl(new URL('../../src/io/parallel-lines-worker.js', import.meta.url));
  if (!existsSync(fileURLToPath(entry))) throw new Error(`${fileURLToPath(entry)} is missing: build first (npm run build)`);
  // The build must not be older than the worker's source, or these tests would test old code.
  const source = join(ROOT, 'src/io/parallel-lines-worker.ts');
  expect(statSync(fileURLToPath(entry)).mtimeMs).toBeGreaterThanOrEqual(statSync(source).mtimeMs);
});

describe('compiledModuleUrl', () => {
  it('maps a module of the TypeScript source to its build under dist/, and leaves others alone', () => {
    const url = compiledModuleUrl(new URL('../../src/migrate/migrate-lines.js', import.meta.url));
    expect(fileURLToPath(url)).toBe(join(ROOT, 'dist/src/migrate/migrate-lines.js'));
    const built = pathToFileURL(join(ROOT, 'dist/src/io/parallel-lines.js'));
    expect(compiledModuleUrl(built)).toEqual(built);
    expect(linePoolAvailable(url)).toBe(true);
    expect(linePoolAvailable(pathToFileURL(join(ROOT, 'dist/src/nope.js')))).toBe(false);
  });
});

describe('LineBatcher', () => {
  it('cuts any chunking into batches of whole lines that add up to the input, each transferable', () => {
    const random = prng(7);
    const input = awkwardInput(random, 400);
    for (const target of [1, 50, 1000, 64 * 1024]) {
      for (const maxChunk of [1, 7, 333, 100_000]) {
        const batcher = new LineBatcher(target);
        const batches: Buffer[] = [];
        for (let at = 0; at < input.length; ) {
          const size = 1 + Math.floor(random() * maxChunk);
          batches.push(...batcher.push(input.subarray(at, at + size)));
          at += size;
        }
        const rest = batcher.end();
        if (rest) batches.push(rest);
        expect(Buffer.concat(batches).equals(input), `target ${target}, chunks ≤ ${maxChunk}`).toBe(true);
        for (const [i, batch] of batches.entries()) {
          expect(batch.byteOffset).toBe(0);
          expect(batch.buffer.byteLength).toBe(batch.length);
          if (i === batches.length - 1) continue;
          // A batch closes with the line that reaches the target: without that line it is shorter.
          expect(batch.at(-1)).toBe(10);
          expect(batch.length).toBeGreaterThanOrEqual(target);
          expect(batch.length < 2 ? 0 : batch.lastIndexOf(10, batch.length - 2) + 1).toBeLessThan(target);
        }
      }
    }
  });

  it('keeps a last line without newline for the end, and gives only whole lines when asked mid-way', () => {
    const text = (batches: Buffer[]) => batches.map((b) => b.toString());
    const batcher = new LineBatcher(4);
    expect(batcher.push(Buffer.from('ab'))).toEqual([]);
    expect(text(batcher.push(Buffer.from('c\nde')))).toEqual(['abc\n']);
    expect(batcher.push(Buffer.from('f'))).toEqual([]);
    expect(batcher.wholeLines()).toBeUndefined();
    expect(batcher.end()?.toString()).toBe('def');
    expect(batcher.end()).toBeUndefined();
    // One chunk can close several batches; each ends with the line that reaches the target.
    expect(text(batcher.push(Buffer.from('a\nbb\nccccc\nd\ne\nf')))).toEqual(['a\nbb\n', 'ccccc\n', 'd\ne\n']);
    expect(text(batcher.push(Buffer.from('ff\ng')))).toEqual(['fff\n']);
    expect(batcher.wholeLines()).toBeUndefined();
    batcher.push(Buffer.from('\nh'));
    expect(batcher.wholeLines()?.toString()).toBe('g\n');
    expect(batcher.end()?.toString()).toBe('h');
  });
});

describe('openLinePool', () => {
  let pool: LinePool<EchoInit, Echo>;
  beforeAll(() => {
    pool = openLinePool<EchoInit, Echo>({ module: ECHO, threads: 2, batchBytes: 2048 });
  });
  afterAll(() => pool.close());

  it('sees exactly the lines readLines sees, in order, plain and gzipped, with or without a final newline', async () => {
    const input = awkwardInput(prng(11), 600);
    const cases: Array<[string, Buffer]> = [
      ['plain.jsonl', input],
      ['no-final-newline.jsonl', input.subarray(0, input.length - 1)],
      ['trailing-blank.jsonl', Buffer.concat([input, Buffer.from('\n\n')])],
      ['empty.jsonl', Buffer.alloc(0)],
      ['long-lines.jsonl', Buffer.from(`${'a'.repeat(3_000_000)}\nb\n${'c'.repeat(70_000)}\n\n${'d'.repeat(9000)}`)],
    ];
    for (const [name, bytes] of cases) {
      const file = join(tmp, name);
      writeFileSync(file, bytes);
      const { lines, items } = await viaPool(pool, file);
      expect(lines, name).toEqual(await viaReadLines(file));
      if (name === 'plain.jsonl') expect(items.length).toBeGreaterThan(20);
      const gz = `${file}.gz`;
      writeFileSync(gz, gzipSync(bytes));
      expect((await viaPool(pool, gz)).lines, `${name}.gz`).toEqual(await viaReadLines(gz));
    }
  });

  it('keeps input order when later batches finish first', async () => {
    const file = join(tmp, 'order.jsonl');
    writeFileSync(file, awkwardInput(prng(3), 300));
    const { lines } = await viaPool(pool, file, { slowSeqs: [0, 2, 3, 7] });
    expect(lines).toEqual(await viaReadLines(file));
  });

  it('keeps at most threads × 2 batches in flight while the consumer is slow', async () => {
    const file = join(tmp, 'bounded.jsonl');
    writeFileSync(file, awkwardInput(prng(5), 2000));
    const counter = new Int32Array(new SharedArrayBuffer(4));
    let consumed = 0;
    let maxAhead = 0;
    for await (const item of pool.map(file, { counter })) {
      expect(item.kind).toBe('batch');
      consumed++;
      if (consumed % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 30));
      maxAhead = Math.max(maxAhead, Atomics.load(counter, 0) - consumed);
    }
    expect(consumed).toBeGreaterThan(50);
    expect(maxAhead).toBeGreaterThan(0);
    // Reached a worker but not yet taken: at most threads × queueDepth = 4.
    expect(maxAhead).toBeLessThanOrEqual(4);
  });

  it('ends a file that stops part-way with a read-failed item after every whole line read before it', async () => {
    const input = awkwardInput(prng(13), 500);
    const file = join(tmp, 'truncated.jsonl.gz');
    const gz = gzipSync(input);
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const expected: string[] = [];
    let thrown: unknown;
    try {
      for await (const l of readLines(file)) expected.push(l.text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeDefined();
    const { lines, items } = await viaPool(pool, file);
    expect(lines.map((l) => l[1])).toEqual(expected);
    const last = items.at(-1) as Extract<LinePoolItem<Echo>, { kind: 'read-failed' }>;
    expect(last.kind).toBe('read-failed');
    expect(String(last.error)).toBe(String(thrown));
  });

  it('names the file and line when a transform throws; the pool goes on with the next file', async () => {
    const file = join(tmp, 'throws.jsonl');
    writeFileSync(file, Array.from({ length: 400 }, (_, i) => `{"line":${i + 1},"pad":"${'z'.repeat(40)}"}`).join('\n'));
    const own = openLinePool<EchoInit, Echo>({ module: ECHO, threads: 2, batchBytes: 500 });
    try {
      // Batch 3 starts after batches 0–2; its 2nd line is the file's line (lines in 0–2) + 2.
      const before: number[] = [];
      const error = await (async () => {
        try {
          for await (const item of own.map(file, { throwAt: { seq: 3, line: 2 } })) if (item.kind === 'batch') before.push(item.lines);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(WorkerError);
      expect(before.length).toBe(3);
      const line = before.reduce((a, b) => a + b, 0) + 2;
      expect((error as WorkerError).message).toBe(`${file}:${line}: processing failed: RangeError: refused this line`);
      expect((error as WorkerError).line).toBe(line);
      expect((error as WorkerError).exitCode).toBe(1);
      // The workers are fine; answers still in flight for the failed file are dropped.
      const again = await collect(own.map(file, {}));
      expect(again.reduce((n, item) => n + (item.kind === 'batch' ? item.lines : 0), 0)).toBe(400);
    } finally {
      await own.close();
    }
  });

  it('fails fast, without hanging, when a worker exits or crashes mid-file', async () => {
    const file = join(tmp, 'crash.jsonl');
    writeFileSync(file, awkwardInput(prng(17), 800));
    for (const [init, message] of [
      [{ exitAt: 2 }, /crash\.jsonl: a worker thread exited unexpectedly \(exit code 3\)/],
      [{ crashAt: 1 }, /crash\.jsonl: a worker thread crashed: boom outside the transform/],
    ] as const) {
      const own = openLinePool<EchoInit, Echo>({ module: ECHO, threads: 2, batchBytes: 1024 });
      try {
        await expect(collect(own.map(file, init))).rejects.toThrow(message);
        // Broken for good: the next file fails at once rather than waiting on a dead worker.
        await expect(collect(own.map(file, {}))).rejects.toBeInstanceOf(WorkerError);
      } finally {
        await own.close();
      }
    }
  });

  it('reports a worker module that cannot load, or a result that cannot be sent', async () => {
    const file = join(tmp, 'small.jsonl');
    writeFileSync(file, '{"a":1}\n{"b":2}\n');
    expect(() => openLinePool({ module: pathToFileURL(join(tmp, 'nope.mjs')) })).toThrow(/nope\.mjs is missing; build the package/);
    const broken = openLinePool<unknown, unknown>({ module: FAILS_TO_LOAD, threads: 2 });
    try {
      await expect(collect(broken.map(file, {}))).rejects.toThrow(/small\.jsonl: processing failed: cannot load worker module .*fails-to-load\.mjs: cannot start/);
    } finally {
      await broken.close();
    }
    const bad = openLinePool<unknown, unknown>({ module: BAD_RESULT, threads: 1 });
    try {
      await expect(collect(bad.map(file, {}))).rejects.toThrow(/small\.jsonl: processing failed: the transform's result cannot be sent: DataCloneError/);
    } finally {
      await bad.close();
    }
  });

  it('lets the calling thread take batches while it waits, with the same result', async () => {
    const file = join(tmp, 'caller.jsonl');
    writeFileSync(file, awkwardInput(prng(29), 3000));
    const { createLineBatchTransform } = (await import(ECHO.href)) as { createLineBatchTransform: (init: EchoInit) => LineBatchTransform<Echo> };
    const own = openLinePool<EchoInit, Echo>({ module: ECHO, threads: 1, batchBytes: 2048, createLineBatchTransform });
    try {
      const { lines, items } = await viaPool(own, file, { slowSeqs: [1, 5, 9] });
      expect(lines).toEqual(await viaReadLines(file));
      const threads = new Set(items.map((item) => (item.kind === 'batch' ? item.value.threadId : -1)));
      expect(threads.has(threadId)).toBe(true);
      expect(threads.size).toBe(2);
      const sizes = items.map((item) => (item.kind === 'batch' ? item.value.byteLength : 0));
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(statSync(file).size);
    } finally {
      await own.close();
    }
  });

  it('re-runs on the calling thread a batch nested too deep for a worker, so the caller\'s stack decides', async () => {
    const file = join(tmp, 'deep.jsonl');
    writeFileSync(file, awkwardInput(prng(31), 400));
    const { createLineBatchTransform } = (await import(ECHO.href)) as { createLineBatchTransform: (init: EchoInit) => LineBatchTransform<Echo> };
    // 3,000 frames overflow a 0.3 MB worker stack, not this thread's 984 KB.
    const recurse = { seq: 2, depth: 3000 };
    const withCaller = openLinePool<EchoInit, Echo>({ module: ECHO, threads: 2, batchBytes: 1024, createLineBatchTransform, resourceLimits: { stackSizeMb: 0.3 } });
    const workersOnly = openLinePool<EchoInit, Echo>({ module: ECHO, threads: 2, batchBytes: 1024, resourceLimits: { stackSizeMb: 0.3 } });
    try {
      const { lines, items } = await viaPool(withCaller, file, { recurse });
      expect(lines).toEqual(await viaReadLines(file));
      expect((items[2] as Extract<LinePoolItem<Echo>, { kind: 'batch' }>).value.threadId).toBe(threadId);
      await expect(collect(workersOnly.map(file, { recurse }))).rejects.toThrow(/deep\.jsonl: processing failed: RangeError: Maximum call stack size exceeded/);
    } finally {
      await withCaller.close();
      await workersOnly.close();
    }
  });

  it('can be left early and then map the next file', async () => {
    const file = join(tmp, 'early.jsonl');
    writeFileSync(file, awkwardInput(prng(19), 500));
    for await (const item of pool.map(file, { slowSeqs: [1] })) {
      expect(item.kind).toBe('batch');
      break;
    }
    expect((await viaPool(pool, file)).lines).toEqual(await viaReadLines(file));
  });
});
