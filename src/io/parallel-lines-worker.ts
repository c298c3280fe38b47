import { parentPort, workerData } from 'node:worker_threads';
import type { LineBatchTransform, LineWorkerModule, LineWorkerRequest, LineWorkerResponse } from './parallel-lines.js';
import { decodeLine, type Line } from './read-lines.js';

/**
 * Worker side of `openLinePool`: loads the worker module named in `workerData`, builds its
 * transform at the start of each map, and answers every batch with the transform's value (or
 * why it threw, with the line it had reached). Messages are handled strictly in arrival order.
 */

const port = parentPort;
if (!port) throw new Error('parallel-lines-worker runs only as a worker thread');
const { module: moduleUrl } = workerData as { module: string };

const loaded: Promise<LineWorkerModule<unknown, unknown>> = import(moduleUrl);
// Awaited (and reported) with each job; this only keeps Node from calling it unhandled meanwhile.
loaded.catch(() => {});
let transform: Promise<LineBatchTransform<unknown>> = Promise.reject(new Error('no job started'));
transform.catch(() => {});
let queue: Promise<void> = Promise.resolve();

port.on('message', (request: LineWorkerRequest) => {
  queue = queue.then(() => handle(request));
});

async function handle(request: LineWorkerRequest): Promise<void> {
  if (request.type === 'job') {
    transform = loaded.then(
      (module) => module.createLineBatchTransform(request.init),
      (error: unknown) => {
        throw new Error(`cannot load worker module ${moduleUrl}: ${describe(error)}`);
      },
    );
    transform.catch(() => {});
    return;
  }
  const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
  const position = { line: 0 };
  let response: LineWorkerResponse;
  let transfer: readonly import('node:worker_threads').TransferListItem[] = [];
  try {
    const run = await transform;
    const output = run(splitBatch(bytes, position), { seq: request.seq });
    response = { type: 'batch', job: request.job, seq: request.seq, ok: true, lines: countLines(bytes), value: output.value };
    transfer = output.transfer ?? [];
  } catch (error) {
    response = { type: 'batch', job: request.job, seq: request.seq, ok: false, line: position.line, message: describe(error) };
  }
  try {
    port!.postMessage(response, transfer);
  } catch (error) {
    // The value could not be cloned (a function, a symbol, …).
    const { job, seq } = request;
    port!.postMessage({ type: 'batch', job, seq, ok: false, line: 0, message: `the transform's result cannot be sent: ${describe(error)}` } satisfies LineWorkerResponse);
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
  let newline = bytes.indexOf(10);
  let start = 0;
  while (newline !== -1) {
    lines++;
    start = newline + 1;
    newline = bytes.indexOf(10, start);
  }
  return start < bytes.length ? lines + 1 : lines;
}

function describe(error: unknown): string {
  // DOMException (DataCloneError) is not `instanceof Error`.
  if (error !== null && typeof error === 'object' && 'message' in error) {
    const { name, message } = error as { name?: unknown; message: unknown };
    return typeof name === 'string' && name !== 'Error' ? `${name}: ${String(message)}` : String(message);
  }
  return String(error);
}
