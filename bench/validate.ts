import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { readLines } from '../src/io/read-lines.js';
import { readRecords } from '../src/io/read-records.js';
import { validateFiles } from '../src/validate/validate-files.js';
import type { Benchmark, BenchContext, BenchPrepareOptions, BenchWork } from './benchmark.js';

/**
 * `validate` on a large JSON Lines file of ADP 1.5.0 trajectories, against a baseline that only
 * reads the lines and JSON.parse-s them. Targets (issue 2): at least half the baseline's
 * throughput, peak RSS under 300 MB.
 */
export const validateBenchmark: Benchmark = {
  name: 'validate',
  prepare: async (dir, options) => {
    const file = join(dir, 'trajectories-1.5.0.jsonl');
    const sizeMB = options.sizeMB ?? 512;
    const { bytes, records } = await generateAdpJsonl(file, sizeMB * 1024 * 1024, options);
    return { file, bytes, records };
  },
  baseline: {
    name: 'lines+parse',
    run: async (context) => {
      let records = 0;
      let bytes = 0;
      for await (const line of readLines(fileOf(context))) {
        bytes += line.byteLength + 1;
        if (line.text.length === 0) continue;
        JSON.parse(line.text);
        records++;
      }
      return { bytes, records };
    },
  },
  jobs: [
    {
      // The reader alone (UTF-8, NUL and long-string checks, error items): what validate adds on top.
      name: 'readRecords',
      run: async (context) => {
        let records = 0;
        let bytes = 0;
        let bad = 0;
        for await (const item of readRecords(fileOf(context))) {
          records++;
          bytes += (item.byteLength ?? 0) + 1;
          if (item.error) bad++;
        }
        return { bytes, records, note: `${bad} unreadable` };
      },
    },
    {
      name: 'validate',
      run: async (context) => {
        const report = await validateFiles([fileOf(context)]);
        const expected = context.records as number;
        if (report.records !== expected) throw new Error(`validate saw ${report.records} records, the generator wrote ${expected}`);
        const first = report.errors[0];
        const note =
          report.invalid === 0
            ? `${report.valid} valid, 0 invalid`
            : `${report.invalid} INVALID; first: line ${first?.line} ${first?.path}: ${first?.message}`;
        return { bytes: context.bytes as number, records: report.records, note } satisfies BenchWork;
      },
    },
  ],
  targets: [{ job: 'validate', minRatio: 0.5, maxRssMB: 300 }],
};

function fileOf(context: BenchContext): string {
  return context.file as string;
}

/** mulberry32: a tiny seeded PRNG, so every run generates the same data. */
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

const WORDS = (
  'the a of to and in is for on with that this file line error test run build value return import from function ' +
  'class def self const let var async await result data config path user request response status module package ' +
  'install update check index count total list items key name type string number object array null true false ' +
  'warning info debug trace commit branch merge diff patch src lib tests docs README setup main server client'
).split(' ');
const EXTRA = ['é', 'ü', 'ß', '中文', '日本語', '🙂', '—', '\t', '"quoted"', 'C:\\path\\to', '<div class="x">', '{"k": 1}', '\\n'];
const LANGUAGES = ['bash', 'python'];
const TOOLS = ['search_docs', 'lookup_order', 'get_weather', 'send_email'];

/** Builds text pools once: observations and code are stitched from these, which keeps generation fast. */
function makePools(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const sentence = (min: number, max: number): string => {
    const n = min + Math.floor(random() * (max - min));
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(random() < 0.04 ? pick(EXTRA) : pick(WORDS));
    return words.join(' ');
  };
  const logLines = Array.from({ length: 4096 }, (_, i) => {
    const kind = i % 4;
    if (kind === 0) return `${String(i).padStart(5)}  ${sentence(4, 14)}`;
    if (kind === 1) return `src/${pick(WORDS)}/${pick(WORDS)}.py:${Math.floor(random() * 900) + 1}: ${sentence(3, 10)}`;
    if (kind === 2) return `[${new Date(1_700_000_000_000 + i * 1000).toISOString()}] INFO ${sentence(5, 16)}`;
    return `    ${pick(WORDS)}(${pick(WORDS)}=${Math.floor(random() * 1000)}, ${pick(WORDS)}="${sentence(1, 4)}")`;
  });
  const codeLines = Array.from({ length: 1024 }, (_, i) =>
    i % 3 === 0 ? `grep -rn "${pick(WORDS)}" src/ | head -${Math.floor(random() * 50) + 1}` : `    ${pick(WORDS)}_${i} = ${pick(WORDS)}(${pick(WORDS)}, "${sentence(1, 3)}")`,
  );
  return { pick, sentence, logLines, codeLines };
}

/**
 * Writes ADP 1.5.0 trajectories as JSON Lines until `targetBytes`: long tool outputs (1–40 KB),
 * 20–60 turns each, bash and python code actions and custom-tool API calls linked to their
 * observations by `tool_call_id`, occasional hidden reasoning, a finishing message.
 */
export async function generateAdpJsonl(
  file: string,
  targetBytes: number,
  options: Pick<BenchPrepareOptions, 'log'> = { log: () => {} },
): Promise<{ bytes: number; records: number }> {
  const random = prng(20_240_601);
  const { pick, sentence, logLines, codeLines } = makePools(random);
  const lines = (pool: string[], n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(pick(pool));
    return out.join('\n');
  };

  const out = createWriteStream(file, { highWaterMark: 4 << 20 });
  let bytes = 0;
  let records = 0;
  let nextLog = 64 * 1024 * 1024;
  while (bytes < targetBytes) {
    const content: Record<string, unknown>[] = [
      { class_: 'text_observation', content: `You are a careful software agent.\n${lines(logLines, 3)}`, name: 'system', source: 'environment' },
      { class_: 'text_observation', content: `${sentence(20, 80)}\n\n${lines(logLines, 2 + Math.floor(random() * 10))}`, name: null, source: 'user' },
    ];
    const languages = new Set<string>();
    const tools = new Set<string>();
    const turns = 20 + Math.floor(random() * 41);
    let call = 0;
    for (let t = 0; t < turns; t++) {
      const id = `call_${String(++call).padStart(6, '0')}`;
      const r = random();
      if (r < 0.08) {
        content.push({ class_: 'message_action', content: sentence(8, 40), description: null });
        content.push({ class_: 'text_observation', content: sentence(5, 30), name: null, source: 'user' });
        continue;
      }
      const action: Record<string, unknown> = { tool_call_id: id };
      if (random() < 0.3) action.reasoning_content = `<think>\n${sentence(60, 400)}\n</think>`;
      if (r < 0.25) {
        const fn = pick(TOOLS);
        tools.add(fn);
        Object.assign(action, {
          class_: 'api_action',
          function: fn,
          kwargs: { query: sentence(2, 8), limit: Math.floor(random() * 20) + 1, filters: { lang: pick(['en', 'de', 'zh']), exact: random() < 0.5 } },
          description: sentence(4, 20),
        });
      } else {
        const language = pick(LANGUAGES);
        languages.add(language);
        Object.assign(action, { class_: 'code_action', language, content: lines(codeLines, 1 + Math.floor(random() * 12)), description: sentence(4, 20) });
      }
      content.push(action);
      // Tool outputs dominate real trajectories: mostly a few KB, sometimes tens of KB.
      const outputLines = random() < 0.1 ? 300 + Math.floor(random() * 500) : 15 + Math.floor(random() * 100);
      content.push({ tool_call_id: id, class_: 'text_observation', content: lines(logLines, outputLines), name: null, source: 'environment' });
    }
    content.push({ class_: 'message_action', content: `<finish> ${sentence(5, 30)} </finish>`, description: sentence(3, 10) });

    const record: Record<string, unknown> = { schema_version: '1.5.0', id: `bench-${String(records).padStart(7, '0')}`, content };
    if (tools.size > 0) record.available_custom_tools = [...tools].sort();
    if (languages.size > 0) record.available_code_languages = [...languages].sort();
    record.details = { split: 'train', source_dataset: 'trajkit-bench', turns, seed: records };

    const text = `${JSON.stringify(record)}\n`;
    bytes += Buffer.byteLength(text);
    records++;
    if (!out.write(text)) await once(out, 'drain');
    if (bytes >= nextLog) {
      options.log(`validate: generated ${(bytes / 1024 / 1024).toFixed(0)} MB, ${records} trajectories`);
      nextLog += 64 * 1024 * 1024;
    }
  }
  out.end();
  await once(out, 'close');
  options.log(`validate: wrote ${(bytes / 1024 / 1024).toFixed(0)} MB, ${records} trajectories to ${file}`);
  return { bytes, records };
}
