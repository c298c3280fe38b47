import { close as closeFd, createReadStream, existsSync, open, read, type ReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';
import { createGunzip, type Gunzip } from 'node:zlib';
import { TrajkitError } from '../errors.js';
import { decodeLine, type Line } from './read-lines.js';

/**
 * An ordered parallel map over the lines of a JSON Lines file (optionally gzipped) on a pool of
 * worker threads. The calling thread reads raw bytes, cuts them into batches of whole lines and
 * transfers each batch (zero copy) to a worker with room in its queue; the worker decodes the
 * lines and runs a transform from a worker module, whose result comes back as plain data (bytes
 * transferred). Given the module's transform factory, the calling thread also runs batches
 * itself whenever it would otherwise wait. Results are yielded in input order, and at most
 * `(threads + 1) × queueDepth` batches are in flight, so memory stays bounded whatever the
 * input size.
 *
 * Where it is wired (and why only there): `migrateFiles`, whose per-record work (parse, migrate,
 * lint, stringify, encode) is several times the cost of reading and needs every core to reach
 * half the read + JSON.parse rate. `lint` and `validate` already meet their targets on one
 * thread and return no bytes, so they stay single-threaded for now.
 */

/** Where a batch sits in its file; its lines are numbered from 1 within the batch. */
export interface LineBatch {
  /** 0-based batch number in the file: batch 0 starts with the file's first line. */
  seq: number;
  /** Bytes in the batch, newlines included. */
  byteLength: number;
}

/** What a transform returns: a value for the main thread, and buffers to transfer rather than copy. */
export interface LineBatchOutput<Out> {
  value: Out;
  transfer?: readonly TransferListItem[];
}

/**
 * Runs on one batch, in a worker (or on the calling thread, see {@link LinePoolOptions}).
 * `lines` is lazy (each line is decoded as it is reached) and numbered from 1 within the batch;
 * blank lines are included. Throwing fails the whole map, naming the line reached.
 */
export type LineBatchTransform<Out> = (lines: Iterable<Line>, batch: LineBatch) => LineBatchOutput<Out>;

/**
 * The shape of a worker module: `createLineBatchTransform(init)` runs in every worker at the
 * start of each {@link LinePool.map}, with that call's `init` (structured-cloned: plain data).
 */
export interface LineWorkerModule<Init, Out> {
  createLineBatchTransform(init: Init): LineBatchTransform<Out> | Promise<LineBatchTransform<Out>>;
}

/** One item of {@link LinePool.map}: a batch's result, or the read error that ended the file. */
export type LinePoolItem<Out> =
  | { kind: 'batch'; /** Lines in the batch (blank ones included). */ lines: number; value: Out }
  | { kind: 'read-failed'; /** From the file or gunzip stream; every whole line before it was yielded. */ error: unknown };

export interface LinePoolOptions<Init = unknown, Out = unknown> {
  /** The worker module (compiled JavaScript; see {@link compiledModuleUrl}). */
  module: URL;
  /**
   * The worker module's own `createLineBatchTransform`, to let the calling thread run batches
   * too, whenever it would otherwise wait for a result. That saves one worker (its heap, and
   * the transferred buffers this thread would leave to a rare GC); workers then get a 1 MB
   * stack (see the pool's constructor). Values from this thread are not structured-cloned.
   */
  createLineBatchTransform?: LineWorkerModule<Init, Out>['createLineBatchTransform'];
  /** Worker threads; default `os.availableParallelism()`, less one when the calling thread takes part. */
  threads?: number;
  /** Bytes of whole lines per batch (a batch holding one longer line is that long); default 512 KiB. */
  batchBytes?: number;
  /** Batches queued per worker; at most this many per thread are in flight, untaken results included. Default 2. */
  queueDepth?: number;
  /** V8 heap limits of each worker (see `worker_threads.ResourceLimits`). */
  resourceLimits?: ResourceLimits;
}

/** A pool of workers running one worker module; map files through it one at a time. */
export interface LinePool<Init, Out> {
  readonly threads: number;
  /**
   * Streams `file`'s lines through the workers and yields each batch's result in input order.
   * A read error part-way (a corrupt gzip, say) ends the file with a `read-failed` item; a
   * transform that throws, or a worker that crashes, throws {@link WorkerError}. Leaving the loop
   * early stops reading.
   */
  map(file: string, init: Init, options?: { gzip?: boolean }): AsyncGenerator<LinePoolItem<Out>, void, undefined>;
  /** Stops the workers. Safe to call more than once. */
  close(): Promise<void>;
}

/** A worker thread failed (crashed, exited, or its transform threw): the run cannot go on. */
export class WorkerError extends TrajkitError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  constructor(message: string, where: { file?: string; line?: number } = {}, cause?: unknown) {
    const at = where.file === undefined ? '' : `${where.file}${where.line ? `:${where.line}` : ''}: `;
    super('TK_WORKER', `${at}${message}`, { exitCode: 1, cause });
    this.file = where.file;
    this.line = where.line;
  }
}

/** Messages to a worker. */
export type LineWorkerRequest =
  | { type: 'job'; job: number; init: unknown }
  | { type: 'batch'; job: number; seq: number; bytes: Uint8Array };

/** Messages from a worker. */
export type LineWorkerResponse = (
  | { type: 'batch'; job: number; seq: number; ok: true; lines: number; value: unknown }
  | {
      type: 'batch';
      job: number;
      seq: number;
      ok: false;
      /** Line within the batch (0: before the first). */
      line: number;
      message: string;
      /** The worker's stack overflowed: the calling thread may run the batch (see `bytes`). */
      stackOverflow?: boolean;
    }
) & {
  /** The batch's buffer, handed back for reuse (workers only). */
  bytes?: Uint8Array;
};

/** Small enough to keep little in flight, large enough that messages cost nothing next to the work. */
const DEFAULT_BATCH_BYTES = 512 * 1024;

const SELF = import.meta.url;
// Under vitest this file runs as TypeScript source; workers are plain Node and need the build.
const FROM_SOURCE = SELF.endsWith('.ts');
const PACKAGE_ROOT = new URL(FROM_SOURCE ? '../../' : '../../../', SELF);

/**
 * The URL plain Node can load for a module of this package, named by its compiled `.js` URL
 * relative to a caller (`new URL('./x.js', import.meta.url)`). From the build (dist/) that is the
 * URL itself; when the caller runs as TypeScript source (vitest), the same file under dist/,
 * which `npm test` builds first. Worker threads cannot run our TypeScript, so this is the one
 * place that maps source to build.
 */
export function compiledModuleUrl(url: URL): URL {
  if (!FROM_SOURCE) return url;
  const root = fileURLToPath(PACKAGE_ROOT);
  const inside = relative(root, fileURLToPath(url));
  if (inside.startsWith('..') || inside.split(sep)[0] === 'dist') return url;
  return new URL(`dist/${inside.split(sep).join('/')}`, PACKAGE_ROOT);
}

const WORKER_ENTRY = compiledModuleUrl(new URL('./parallel-lines-worker.js', SELF));

/** True when the worker entry and `module` exist as JavaScript (always, in the built package). */
export function linePoolAvailable(module: URL): boolean {
  return existsSync(fileURLToPath(WORKER_ENTRY)) && existsSync(fileURLToPath(module));
}

/** Starts the workers; throws {@link WorkerError} when the worker code is not built. */
export function openLinePool<Init, Out>(options: LinePoolOptions<Init, Out>): LinePool<Init, Out> {
  for (const url of [WORKER_ENTRY, options.module]) {
    if (!existsSync(fileURLToPath(url))) {
      throw new WorkerError(`worker module ${fileURLToPath(url)} is missing; build the package (npm run build)`);
    }
  }
  return new WorkerLinePool<Init, Out>(options);
}

/** Resolves every waiter on each `notify`; the map's reader and consumer both wait on one. */
class Signal {
  private waiters: Array<() => void> = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

interface Slot {
  worker: Worker;
  /** Batches sent to this worker whose answer has not come back. */
  outstanding: number;
}

interface Job {
  id: number;
  file: string;
  results: Map<number, LineWorkerResponse>;
  signal: Signal;
  /** Hands ready batches to workers with room in their queues. */
  pump: () => void;
}

class WorkerLinePool<Init, Out> implements LinePool<Init, Out> {
  readonly threads: number;
  private readonly batchBytes: number;
  private readonly maxInFlight: number;
  private readonly queueDepth: number;
  private readonly slots: Slot[] = [];
  private failure: WorkerError | undefined;
  private active: Job | undefined;
  private jobs = 0;
  private closing = false;

  private readonly createHere: LinePoolOptions<Init, Out>['createLineBatchTransform'];
  private readonly buffers: BatchBuffers;

  constructor(options: LinePoolOptions<Init, Out>) {
    this.threads = Math.max(1, Math.floor(options.threads ?? availableParallelism() - (options.createLineBatchTransform ? 1 : 0)));
    this.batchBytes = Math.max(1, Math.floor(options.batchBytes ?? DEFAULT_BATCH_BYTES));
    this.createHere = options.createLineBatchTransform;
    this.queueDepth = Math.max(1, Math.floor(options.queueDepth ?? 2));
    this.maxInFlight = (this.threads + (this.createHere ? 1 : 0)) * this.queueDepth;
    // Room for a batch that overshoots its target by one long line, for every batch in flight.
    this.buffers = new BatchBuffers(this.batchBytes * 2, this.maxInFlight + 2);
    // With the calling thread taking part, a worker's stack must not be deeper than its own
    // (V8's default, 984 KB): a batch too deeply nested for a worker is re-run on the calling
    // thread, whose stack decides, so the result does not depend on which thread took it.
    const resourceLimits = this.createHere ? { stackSizeMb: 1, ...options.resourceLimits } : options.resourceLimits;
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(WORKER_ENTRY, { workerData: { module: options.module.href }, resourceLimits });
      const slot: Slot = { worker, outstanding: 0 };
      worker.on('message', (response: LineWorkerResponse) => this.receive(slot, response));
      worker.on('error', (error) => this.fail(new WorkerError(`a worker thread crashed: ${describeError(error)}`, this.where(), error)));
      worker.on('messageerror', (error) => this.fail(new WorkerError(`a worker's answer could not be read: ${describeError(error)}`, this.where(), error)));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new WorkerError(`a worker thread exited unexpectedly (exit code ${code})`, this.where()));
      });
      // Idle workers must not keep the process alive; a running map holds them (see map).
      worker.unref();
      this.slots.push(slot);
    }
  }

  async *map(file: string, init: Init, options: { gzip?: boolean } = {}): AsyncGenerator<LinePoolItem<Out>, void, undefined> {
    if (this.active) throw new Error('LinePool.map: one file at a time');
    if (this.closing) throw new Error('LinePool.map: the pool is closed');
    if (this.failure) throw this.failure;
    const job: Job = { id: ++this.jobs, file, results: new Map(), signal: new Signal(), pump: () => pump() };
    const start: LineWorkerRequest = { type: 'job', job: job.id, init };
    // `init` must be plain data; a value that cannot be cloned throws here, before any worker got it.
    for (const { worker } of this.slots) worker.postMessage(start);
    this.active = job;
    for (const { worker } of this.slots) worker.ref();
    let here: LineBatchTransform<Out> | undefined;

    let dispatched = 0;
    let consumed = 0;
    let linesBefore = 0;
    const pump = () => {
      while (!this.failure && dispatched - consumed < this.maxInFlight) {
        let slot = this.slots[0];
        for (const other of this.slots) if (other.outstanding < slot.outstanding) slot = other;
        // A worker's queue stays short, so this thread (when it helps) still finds batches to take.
        if (slot.outstanding >= this.queueDepth) return;
        const bytes = reader.take();
        if (!bytes) return;
        slot.outstanding++;
        const request: LineWorkerRequest = { type: 'batch', job: job.id, seq: dispatched++, bytes };
        slot.worker.postMessage(request, [bytes.buffer as ArrayBuffer]);
      }
    };
    const reader = openBatchReader(file, options.gzip ?? file.endsWith('.gz'), this.batchBytes, this.buffers, () => {
      pump();
      job.signal.notify();
    });

    try {
      if (this.createHere) here = await this.createHere(init);
      for (;;) {
        if (this.failure) throw this.failure;
        const response = job.results.get(consumed);
        if (response) {
          job.results.delete(consumed);
          if (!response.ok) {
            if (response.stackOverflow && response.bytes && here) {
              // The calling thread's stack decides, as it would on the single-thread path.
              job.results.set(consumed, runBatch(here, { type: 'batch', job: job.id, seq: consumed, bytes: response.bytes }).response);
              this.buffers.give(response.bytes.buffer);
              continue;
            }
            const line = response.line > 0 ? linesBefore + response.line : undefined;
            throw new WorkerError(`processing failed: ${response.message}`, { file, line });
          }
          consumed++;
          linesBefore += response.lines;
          pump();
          yield { kind: 'batch', lines: response.lines, value: response.value as Out };
          continue;
        }
        if (reader.done && consumed === dispatched) break;
        // Rather than wait, this thread takes a batch the workers have no room for.
        const bytes = here && dispatched - consumed < this.maxInFlight ? reader.take() : undefined;
        if (bytes) {
          const seq = dispatched++;
          job.results.set(seq, runBatch(here!, { type: 'batch', job: job.id, seq, bytes }).response);
          this.buffers.give(bytes.buffer);
          continue;
        }
        await job.signal.wait();
      }
      if (reader.failed) yield { kind: 'read-failed', error: reader.error };
    } finally {
      reader.stop();
      this.active = undefined;
      for (const { worker } of this.slots) worker.unref();
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.active) this.fail(new WorkerError('the worker pool was closed during a run', this.where()));
    await Promise.all(this.slots.map(({ worker }) => worker.terminate()));
  }

  private receive(slot: Slot, response: LineWorkerResponse): void {
    slot.outstanding--;
    // Kept only if the calling thread may still need it (to re-run a batch too deep for a worker).
    if (response.bytes && !(!response.ok && response.stackOverflow)) this.buffers.give(response.bytes.buffer);
    const job = this.active;
    if (!job) return;
    // Answers to a map that was left early are dropped, but the worker has room again.
    if (response.job === job.id) job.results.set(response.seq, response);
    job.pump();
    job.signal.notify();
  }

  private fail(error: WorkerError): void {
    this.failure ??= error;
    this.active?.signal.notify();
  }

  private where(): { file?: string } {
    return { file: this.active?.file };
  }
}

/**
 * Runs `transform` on one batch: the answer to send back (with what to transfer), or why it
 * failed and at which line of the batch. Used by the workers and by the calling thread alike.
 */
export function runBatch<Out>(
  transform: LineBatchTransform<Out>,
  request: Extract<LineWorkerRequest, { type: 'batch' }>,
): { response: LineWorkerResponse; transfer: readonly TransferListItem[] } {
  const { job, seq } = request;
  const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
  const position = { line: 0 };
  try {
    const output = transform(splitBatch(bytes, position), { seq, byteLength: bytes.length });
    return { response: { type: 'batch', job, seq, ok: true, lines: countLines(bytes), value: output.value }, transfer: output.transfer ?? [] };
  } catch (error) {
    const stackOverflow = error instanceof RangeError && error.message === 'Maximum call stack size exceeded';
    return { response: { type: 'batch', job, seq, ok: false, line: position.line, message: describeError(error), stackOverflow }, transfer: [] };
  }
}

/** The batch's lines, decoded one at a time; `position.line` follows the line being handed out. */
function* splitBatch(bytes: Buffer, position: { line: number }): Generator<Line> {
  let start = 0;
  let newline = bytes.indexOf(10, start);
  while (newline !== -1) {
    yield decodeLine(bytes.subarray(start, newline), ++position.line);
    start = newline + 1;
    newline = bytes.indexOf(10, start);
  }
  // Only the file's last batch can end without a newline; an empty final line is not a line.
  if (start < bytes.length) yield decodeLine(bytes.subarray(start), ++position.line);
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  let start = 0;
  for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10, start)) {
    lines++;
    start = newline + 1;
  }
  return start < bytes.length ? lines + 1 : lines;
}

/** `Name: message` (just the message for a plain Error), for errors from any realm. */
export function describeError(error: unknown): string {
  // DOMException (DataCloneError) and errors from other realms are not `instanceof Error` here.
  if (error !== null && typeof error === 'object' && 'message' in error) {
    const { name, message } = error as { name?: unknown; message: unknown };
    return typeof name === 'string' && name !== 'Error' ? `${name}: ${String(message)}` : String(message);
  }
  return String(error);
}

/**
 * A file read into a queue of line batches, with backpressure: reading pauses while batches
 * wait to be taken, so at most one read's worth of batches is ever queued.
 */
abstract class BatchReader {
  /** Set when reading stopped on an error; the queue then ends with the whole lines read before it. */
  failed = false;
  error: unknown;
  protected readonly queue: Buffer[] = [];
  protected ended = false;

  constructor(protected readonly changed: () => void) {}

  /** True when the file is read to its end (or its error) and every batch was taken. */
  get done(): boolean {
    return this.ended && this.queue.length === 0;
  }

  /** The next batch, if one is ready. */
  take(): Buffer | undefined {
    const batch = this.queue.shift();
    if (this.queue.length === 0) this.flow();
    return batch;
  }

  /** Stops reading (at the end, or when the consumer leaves early). */
  stop(): void {
    this.ended = true;
    this.queue.length = 0;
    this.close();
  }

  protected finish(last?: Buffer): void {
    if (this.ended) return;
    this.ended = true;
    if (last) this.queue.push(last);
    this.close();
    this.changed();
  }

  protected fail(error: unknown, whole?: Buffer): void {
    if (this.ended) return;
    this.ended = true;
    this.failed = true;
    this.error = error;
    if (whole) this.queue.push(whole);
    this.close();
    this.changed();
  }

  /** Reads on when the queue is empty, pauses otherwise. */
  protected abstract flow(): void;
  protected abstract close(): void;
}

/** Opens the reader for `file`: direct reads for a plain file, a gunzip stream for gzip. */
function openBatchReader(file: string, gzip: boolean, target: number, buffers: BatchBuffers, changed: () => void): BatchReader {
  return gzip ? new GzipBatchReader(file, new LineBatcher(target, (length) => buffers.take(length)), changed) : new PlainBatchReader(file, target, buffers, changed);
}

/**
 * A plain file, read straight into batch buffers (no intermediate chunks to allocate and copy):
 * each read appends about `target` bytes to the partial line left by the previous one, and the
 * batch ends at the last newline.
 */
class PlainBatchReader extends BatchReader {
  private fd: number | undefined;
  private position = 0;
  private reading = false;
  /** The bytes after the last newline read so far: the start of a line that has not ended. */
  private carry: Buffer = Buffer.alloc(0);

  constructor(
    file: string,
    private readonly target: number,
    private readonly buffers: BatchBuffers,
    changed: () => void,
  ) {
    super(changed);
    this.reading = true;
    open(file, 'r', (error, fd) => {
      this.reading = false;
      if (error) return this.fail(error);
      this.fd = fd;
      if (this.ended) return this.close();
      this.flow();
    });
  }

  protected flow(): void {
    if (this.ended || this.reading || this.fd === undefined || this.queue.length > 0) return;
    this.reading = true;
    const kept = this.carry.length;
    // A long line doubles what is read at once, so it is copied a bounded number of times.
    const want = Math.max(this.target, kept);
    const buffer = this.buffers.take(kept + want);
    this.carry.copy(buffer, 0);
    read(this.fd, buffer, kept, want, this.position, (error, bytesRead) => {
      this.reading = false;
      if (this.ended) return this.close();
      // The whole lines were queued already; the carry is a partial line, which does not count.
      if (error) return this.fail(error);
      this.position += bytesRead;
      const end = kept + bytesRead;
      if (bytesRead === 0) return this.finish(end > 0 ? buffer.subarray(0, end) : undefined);
      const newline = buffer.lastIndexOf(10, end - 1);
      // Copied out, so the batch's buffer holds nothing else and can be handed on.
      this.carry = Buffer.from(buffer.subarray(newline + 1, end));
      if (newline === -1) {
        this.buffers.give(buffer.buffer);
      } else {
        this.queue.push(buffer.subarray(0, newline + 1));
        this.changed();
      }
      this.flow();
    });
  }

  protected close(): void {
    // A read in flight still uses the descriptor; its callback closes it.
    if (this.reading || this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeFd(fd, () => {});
  }
}

/**
 * A gzipped file: its bytes are gunzipped as a stream and cut into batches. Backpressure pauses
 * the file stream, never the gunzip stream: its output is taken as it comes, so when the gzip
 * data turns out truncated or corrupt, every line it decoded before is kept (a paused, errored
 * stream would drop what it had buffered).
 */
class GzipBatchReader extends BatchReader {
  private readonly raw: ReadStream;
  private readonly gunzip: Gunzip;
  private gunzipFull = false;

  constructor(
    file: string,
    private readonly batcher: LineBatcher,
    changed: () => void,
  ) {
    super(changed);
    // Small reads: one read inflates to several batches before the pause takes hold.
    this.raw = createReadStream(file, { highWaterMark: 1 << 16 });
    const gunzip = (this.gunzip = createGunzip());
    this.raw.on('error', (error) => this.fail(error, this.batcher.wholeLines()));
    this.raw.on('data', (chunk) => {
      if (!gunzip.write(chunk)) {
        this.gunzipFull = true;
        this.flow();
      }
    });
    this.raw.on('end', () => gunzip.end());
    gunzip.on('drain', () => {
      this.gunzipFull = false;
      this.flow();
    });
    gunzip.on('data', (chunk: Buffer) => this.add(chunk));
    gunzip.on('end', () => this.finish(this.batcher.end()));
    // Like readLines: the whole lines read before the failure count; a partial last one does not.
    gunzip.on('error', (error) => this.fail(error, this.batcher.wholeLines()));
  }

  private add(chunk: Buffer): void {
    if (this.ended) return;
    for (const batch of this.batcher.push(chunk)) this.queue.push(batch);
    this.flow();
    if (this.queue.length > 0) this.changed();
  }

  protected flow(): void {
    if (this.ended) return;
    if (this.queue.length > 0 || this.gunzipFull) this.raw.pause();
    else this.raw.resume();
  }

  protected close(): void {
    this.raw.destroy();
    this.gunzip.destroy();
  }
}

/**
 * Batch buffers for reuse: each batch's ArrayBuffer comes back from its worker (or this thread)
 * and serves again, rather than allocating and freeing a megabyte per batch, which glibc keeps
 * in its arenas (peak RSS grew by some 30 MB that way).
 */
class BatchBuffers {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    private readonly size: number,
    private readonly keep: number,
  ) {}

  /** A buffer of `length` bytes (a view from offset 0) whose ArrayBuffer is its own. */
  take(length: number): Buffer {
    if (length > this.size) return Buffer.allocUnsafeSlow(length);
    // allocUnsafeSlow: never a slice of Node's shared pool, so it can be transferred.
    const buffer = this.free.pop() ?? (Buffer.allocUnsafeSlow(this.size).buffer as ArrayBuffer);
    return Buffer.from(buffer, 0, length);
  }

  give(buffer: ArrayBufferLike): void {
    if (buffer.byteLength === this.size && this.free.length < this.keep) this.free.push(buffer as ArrayBuffer);
  }
}

/**
 * Cuts a byte stream into batches of whole lines, each in its own ArrayBuffer so it can be
 * transferred: a batch ends with the line that reaches `target` bytes. Holds at most one batch
 * plus the longest line.
 */
export class LineBatcher {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Where the search for the current batch's last newline resumes (chunk, offset); -1: not begun. */
  private scanChunk = 0;
  private scanAt = -1;
  /** Bytes in the chunks before `scanChunk`. */
  private scanBefore = 0;

  /**
   * `allocate(length)` gives each batch's buffer: by default a fresh one; it must be a view from
   * offset 0 of an ArrayBuffer nothing else uses, as the buffer is transferred.
   */
  constructor(
    private readonly target: number,
    private readonly allocate: (length: number) => Buffer = (length) => Buffer.allocUnsafeSlow(length),
  ) {}

  /** Adds a chunk; returns the batches completed by it (often none, sometimes several). */
  push(chunk: Buffer): Buffer[] {
    const batches: Buffer[] = [];
    if (chunk.length === 0) return batches;
    this.chunks.push(chunk);
    this.size += chunk.length;
    for (let batch = this.next(); batch; batch = this.next()) batches.push(batch);
    return batches;
  }

  /** Every buffered whole line (through the last newline), or undefined when none has ended. */
  wholeLines(): Buffer | undefined {
    let before = this.size;
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      before -= this.chunks[i].length;
      const newline = this.chunks[i].lastIndexOf(10);
      if (newline !== -1) return this.take(i, newline + 1, before + newline + 1);
    }
    return undefined;
  }

  /** At the end of input: everything left (its last line may lack a newline). */
  end(): Buffer | undefined {
    if (this.size === 0) return undefined;
    const last = this.chunks.length - 1;
    return this.take(last, this.chunks[last].length, this.size);
  }

  private next(): Buffer | undefined {
    if (this.size < this.target) return undefined;
    if (this.scanAt < 0) {
      // The newline that closes the batch is at byte target - 1 or later.
      let skip = this.target - 1;
      let i = 0;
      let before = 0;
      while (skip >= this.chunks[i].length) {
        skip -= this.chunks[i].length;
        before += this.chunks[i++].length;
      }
      this.scanChunk = i;
      this.scanAt = skip;
      this.scanBefore = before;
    }
    let before = this.scanBefore;
    for (let i = this.scanChunk; i < this.chunks.length; i++) {
      const newline = this.chunks[i].indexOf(10, i === this.scanChunk ? this.scanAt : 0);
      if (newline !== -1) return this.take(i, newline + 1, before + newline + 1);
      before += this.chunks[i].length;
    }
    // The line that reaches the target goes on in the next chunk: resume the search there.
    const last = this.chunks.length - 1;
    this.scanBefore = before - this.chunks[last].length;
    this.scanChunk = last;
    this.scanAt = this.chunks[last].length;
    return undefined;
  }

  /** Moves chunks[0..upTo) plus chunks[upTo][0..cut) into a fresh buffer of `length` bytes. */
  private take(upTo: number, cut: number, length: number): Buffer {
    const batch = this.allocate(length);
    let at = 0;
    for (let j = 0; j < upTo; j++) at += this.chunks[j].copy(batch, at);
    this.chunks[upTo].copy(batch, at, 0, cut);
    const rest = this.chunks[upTo].subarray(cut);
    this.chunks = rest.length > 0 ? [rest, ...this.chunks.slice(upTo + 1)] : this.chunks.slice(upTo + 1);
    this.size -= length;
    this.scanAt = -1;
    return batch;
  }
}
