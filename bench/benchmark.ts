/**
 * The contract between the benchmark harness (bench/run.ts) and the benchmarks. A benchmark
 * prepares its input once; each job then runs alone in a fresh Node process, so its time and
 * peak RSS are its own. Every job is reported as a ratio to the benchmark's baseline job,
 * measured in the same run on the same data.
 */

/** What `prepare` hands to the jobs: plain JSON (it crosses a process boundary). */
export type BenchContext = Record<string, unknown>;

/** What a job did: the input it consumed, so the harness can compute MB/s. */
export interface BenchWork {
  /** Bytes of input processed. */
  bytes: number;
  /** Records (or other units) processed, for a sanity check across jobs. */
  records: number;
  /** Optional one-line note printed under the table (e.g. "0 invalid"). */
  note?: string;
}

export interface BenchJob {
  name: string;
  run(context: BenchContext): Promise<BenchWork>;
}

/** A target the harness checks and prints as PASS or FAIL (a miss makes `npm run bench` exit 1). */
export interface BenchTarget {
  job: string;
  /** Minimum throughput as a fraction of the baseline's. */
  minRatio?: number;
  /** Maximum peak resident memory of the job's process, in MB. */
  maxRssMB?: number;
}

export interface Benchmark {
  name: string;
  /** Builds input data in `dir` (a fresh temp folder the harness removes afterwards). */
  prepare(dir: string, options: BenchPrepareOptions): Promise<BenchContext>;
  /** The reference job; its throughput is ratio 1.00. */
  baseline: BenchJob;
  jobs: BenchJob[];
  targets?: BenchTarget[];
}

export interface BenchPrepareOptions {
  /** Input size in MB requested on the command line (`--mb`); each benchmark has its own default. */
  sizeMB?: number;
  /** Progress lines for stderr. */
  log: (line: string) => void;
}
