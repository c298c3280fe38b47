import { parentPort } from 'node:worker_threads';
import { runSparkTaskJob, type SparkTaskJob } from './spark-task.js';

/**
 * Worker side of the parallel JSON Lines import (importSparkToFile): reads, converts and
 * serialises one task per message, and hands back the JSON Lines bytes (transferred, not copied)
 * with the task's warnings.
 */

/** A job for the worker: which task, and its position in the output. */
export interface SparkWorkerRequest {
  index: number;
  job: SparkTaskJob;
}

/** The worker's answer: one task's output, or why it failed. */
export type SparkWorkerResponse =
  | { index: number; ok: true; task: string; attempts: number; records: number; warnings: import('../../converters/spark/types.js').SparkWarning[]; bytes: Uint8Array }
  | { index: number; ok: false; message: string; stack?: string };

const encoder = new TextEncoder();

parentPort?.on('message', (request: SparkWorkerRequest) => {
  runSparkTaskJob(request.job).then(
    (result) => {
      let text = '';
      for (const record of result.records) text += `${JSON.stringify(record)}\n`;
      const bytes = encoder.encode(text);
      const response: SparkWorkerResponse = {
        index: request.index,
        ok: true,
        task: result.task,
        attempts: result.attempts,
        records: result.records.length,
        warnings: result.warnings,
        bytes,
      };
      parentPort!.postMessage(response, [bytes.buffer]);
    },
    (error: unknown) => {
      const response: SparkWorkerResponse = {
        index: request.index,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      };
      parentPort!.postMessage(response);
    },
  );
});
