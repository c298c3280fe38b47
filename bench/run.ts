import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchContext, Benchmark, BenchJob, BenchWork } from './benchmark.js';

/**
 * Every benchmark `npm run bench` runs, in order. To add one, export a `Benchmark` from
 * bench/<name>.ts and add one line here.
 */
const benchmarks: Array<() => Promise<Benchmark>> = [
  () => import('./validate.js').then((m) => m.validateBenchmark),
  () => import('./lint.js').then((m) => m.lintBenchmark),
  () => import('./hub.js').then((m) => m.hubBenchmark),
  () => import('./import.js').then((m) => m.importBenchmark),
  () => import('./pdi.js').then((m) => m.pdiBenchmark),
  () => import('./query.js').then((m) => m.queryBenchmark),
];

/** One job's measurement, from its own process. */
interface Measurement extends BenchWork {
  seconds: number;
  /** CPU time of the job's process (user + system, all threads): less sensitive to other load than wall time. */
  cpuSeconds: number;
  /** Peak resident set size of the job's process, bytes. */
  maxRssBytes: number;
}

const CHILD_FLAG = '--child-job';

async function loadBenchmarks(): Promise<Benchmark[]> {
  return Promise.all(benchmarks.map((load) => load()));
}

function findJob(benchmark: Benchmark, name: string): BenchJob {
  const job = [benchmark.baseline, ...benchmark.jobs].find((j) => j.name === name);
  if (!job) throw new Error(`benchmark ${benchmark.name} has no job ${name}`);
  return job;
}

/** Child side: run one job, then print its measurement as the last stdout line. */
async function runChild(benchmarkName: string, jobName: string, contextFile: string): Promise<void> {
  const benchmark = (await loadBenchmarks()).find((b) => b.name === benchmarkName);
  if (!benchmark) throw new Error(`no benchmark ${benchmarkName}`);
  const job = findJob(benchmark, jobName);
  const context = JSON.parse(await readFile(contextFile, 'utf8')) as BenchContext;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const work = await job.run(context);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // maxRSS is in kilobytes (getrusage); it is the process's high-water mark, GC garbage included.
  const measurement: Measurement = { ...work, seconds, cpuSeconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

/** Parent side: run one job in a fresh Node process and read its measurement. */
function measure(benchmark: string, job: string, contextFile: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), CHILD_FLAG, benchmark, job, contextFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${benchmark}/${job} exited with code ${code}`));
      try {
        resolve(JSON.parse(last) as Measurement);
      } catch {
        reject(new Error(`${benchmark}/${job} printed no measurement (got ${JSON.stringify(last.slice(0, 200))})`));
      }
    });
  });
}

const MB = 1024 * 1024;

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

async function main(argv: string[]): Promise<number> {
  const usage = 'usage: node dist/bench/run.js [benchmark…] [--mb N] [--repeat N (default 3)] [--keep] [--json]\n';
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        mb: { type: 'string' },
        repeat: { type: 'string', default: '3' },
        keep: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message.split('.')[0]}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const sizeMB = values.mb === undefined ? undefined : Number(values.mb);
  const repeat = Number(values.repeat);
  if ((sizeMB !== undefined && !(sizeMB > 0)) || !(Number.isInteger(repeat) && repeat >= 1)) {
    process.stderr.write(usage);
    return 2;
  }
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const all = await loadBenchmarks();
  const selected = positionals.length === 0 ? all : all.filter((b) => positionals.includes(b.name));
  if (selected.length === 0) {
    process.stderr.write(`bench: no benchmark named ${positionals.join(', ')} (have: ${all.map((b) => b.name).join(', ')})\n`);
    return 2;
  }

  const rows: Array<{ benchmark: string; job: string; m: Measurement; ratio: number }> = [];
  const verdicts: string[] = [];
  let failed = false;
  for (const benchmark of selected) {
    const dir = await mkdtemp(join(tmpdir(), `trajkit-bench-${benchmark.name}-`));
    try {
      log(`${benchmark.name}: preparing data in ${dir}`);
      const context = await benchmark.prepare(dir, { sizeMB, log });
      const contextFile = join(dir, 'context.json');
      await writeFile(contextFile, JSON.stringify(context));
      const results = new Map<string, Measurement>();
      // Rounds interleave the jobs, so a burst of load from elsewhere on the machine hits the
      // baseline and the others alike; each job keeps its fastest run (the least disturbed) and
      // the highest peak RSS of all its runs.
      for (let round = 1; round <= repeat; round++) {
        for (const job of [benchmark.baseline, ...benchmark.jobs]) {
          log(`${benchmark.name}: running ${job.name}${repeat > 1 ? ` (round ${round}/${repeat})` : ''}`);
          const m = await measure(benchmark.name, job.name, contextFile);
          const best = results.get(job.name);
          const maxRssBytes = Math.max(m.maxRssBytes, best?.maxRssBytes ?? 0);
          results.set(job.name, !best || m.seconds < best.seconds ? { ...m, maxRssBytes } : { ...best, maxRssBytes });
        }
      }
      const base = results.get(benchmark.baseline.name)!;
      const baseRate = base.bytes / base.seconds;
      for (const [job, m] of results) rows.push({ benchmark: benchmark.name, job, m, ratio: m.bytes / m.seconds / baseRate });
      for (const target of benchmark.targets ?? []) {
        const m = results.get(target.job);
        if (!m) throw new Error(`${benchmark.name}: target names unknown job ${target.job}`);
        const ratio = m.bytes / m.seconds / baseRate;
        const rssMB = m.maxRssBytes / MB;
        const checks: string[] = [];
        let ok = true;
        if (target.minRatio !== undefined) {
          ok &&= ratio >= target.minRatio;
          checks.push(`ratio ${ratio.toFixed(2)} (need ≥ ${target.minRatio})`);
        }
        if (target.maxRssMB !== undefined) {
          ok &&= rssMB < target.maxRssMB;
          checks.push(`peak RSS ${rssMB.toFixed(0)} MB (need < ${target.maxRssMB} MB)`);
        }
        failed ||= !ok;
        verdicts.push(`${ok ? 'PASS' : 'FAIL'} ${benchmark.name}/${target.job}: ${checks.join(', ')}`);
      }
    } finally {
      if (values.keep) log(`kept ${dir}`);
      else await rm(dir, { recursive: true, force: true });
    }
  }

  if (values.json) {
    const json = rows.map(({ benchmark, job, m, ratio }) => ({
      benchmark,
      job,
      mb: m.bytes / MB,
      records: m.records,
      seconds: m.seconds,
      cpuSeconds: m.cpuSeconds,
      mbPerSecond: m.bytes / MB / m.seconds,
      ratio,
      peakRssMB: m.maxRssBytes / MB,
      note: m.note,
    }));
    process.stdout.write(`${JSON.stringify({ results: json, verdicts, ok: !failed })}\n`);
  } else {
    const header = `${pad('benchmark', 10)} ${pad('job', 14)} ${pad('MB', 8, true)} ${pad('records', 9, true)} ${pad('seconds', 8, true)} ${pad('cpu s', 7, true)} ${pad('MB/s', 8, true)} ${pad('ratio', 6, true)} ${pad('peak RSS', 9, true)}`;
    const lines = [header, '-'.repeat(header.length)];
    for (const { benchmark, job, m, ratio } of rows) {
      lines.push(
        `${pad(benchmark, 10)} ${pad(job, 14)} ${pad((m.bytes / MB).toFixed(1), 8, true)} ${pad(String(m.records), 9, true)} ` +
          `${pad(m.seconds.toFixed(2), 8, true)} ${pad(m.cpuSeconds.toFixed(2), 7, true)} ${pad((m.bytes / MB / m.seconds).toFixed(1), 8, true)} ${pad(ratio.toFixed(2), 6, true)} ` +
          `${pad(`${(m.maxRssBytes / MB).toFixed(0)} MB`, 9, true)}`,
      );
    }
    for (const { benchmark, job, m } of rows) if (m.note) lines.push(`${benchmark}/${job}: ${m.note}`);
    lines.push(...verdicts);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return failed ? 1 : 0;
}

const args = process.argv.slice(2);
if (args[0] === CHILD_FLAG) {
  await runChild(args[1], args[2], args[3]);
} else {
  process.exitCode = await main(args);
}
