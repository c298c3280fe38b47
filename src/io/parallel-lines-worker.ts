import { parentPort, workerData } from 'node:worker_threads';
import {
  describeError,
  runBatch,
  type LineBatchTransform,
  type LineWorkerModule,
  type LineWorkerRequest,
  type LineWorkerResponse,
} from './parallel-lines.js';

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
        throw new Error(`cannot load worker module ${moduleUrl}: ${describeError(error)}`);
      },
    );
    transform.catch(() => {});
    return;
  }
  let answer: ReturnType<typeof runBatch<unknown>>;
  try {
    answer = runBatch(await transform, request);
  } catch (error) {
    // The transform could not be built for this job.
    answer = { response: { type: 'batch', job: request.job, seq: request.seq, ok: false, line: 0, message: describeError(error) }, transfer: [] };
  }
  // The batch's buffer goes back for reuse (or, after a stack overflow, for the calling thread to run).
  const input = request.bytes.buffer as ArrayBuffer;
  try {
    port!.postMessage({ ...answer.response, bytes: request.bytes }, [...answer.transfer, input]);
  } catch (error) {
    // The value could not be cloned (a function, a symbol, …).
    const { job, seq, bytes } = request;
    const message = `the transform's result cannot be sent: ${describeError(error)}`;
    port!.postMessage({ type: 'batch', job, seq, ok: false, line: 0, message, bytes } satisfies LineWorkerResponse, [input]);
  }
}
