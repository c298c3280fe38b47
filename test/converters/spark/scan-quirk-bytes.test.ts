import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSparkToFile } from '../../../src/import/import-spark.js';
import { replaceLoneSurrogates } from '../../../src/import/replace-lone-surrogates.js';
import { scanQuirkBytes } from '../../../src/import/scan-quirk-bytes.js';
import { readRecords } from '../../../src/io/read-records.js';

const kinds = (text: string, raw = false) =>
  scanQuirkBytes(Buffer.from(text, 'utf8'), { raw })
    .sort((a, b) => a.offset - b.offset)
    .map((h) => `${h.kind}@${h.offset}`);

describe('scanQuirkBytes', () => {
  it('finds C1 characters, U+FFFD, NUL and control escapes at any nesting depth', () => {
    expect(kinds('{"a":"â\u0080\u0099"}')).toEqual(['c1@8', 'c1@10']);
    expect(kinds('{"a":"x\ufffd"}')).toEqual(['replacement@7']);
    expect(kinds('{"a":"x\\u0000","b":"{\\"c\\":\\"\\\\u0000\\"}"}')).toEqual(['nul@7', 'nul@30']);
    // Tab, newline, CR and ESC escapes are expected; other controls are not.
    expect(kinds('{"a":"\\u0009\\u001b[0m\\u0007"}')).toEqual(['control@21']);
    expect(kinds('plain\u0000text\u0007', true)).toEqual(['nul@5', 'control@10']);
    expect(kinds('{"a":"°±"}')).toEqual([]);
  });

  it('finds escaped lone surrogates but not escaped pairs, also inside nested JSON', () => {
    expect(kinds('{"a":"\\ud83d\\ude00"}')).toEqual([]);
    expect(kinds('{"a":"{\\"b\\":\\"\\\\ud83d\\\\ude00\\"}"}')).toEqual([]);
    expect(kinds('{"a":"x\\ud800y"}')).toEqual(['surrogate@7']);
    expect(kinds('{"a":"x\\uDC00"}')).toEqual(['surrogate@7']);
    expect(kinds('{"a":"{\\"b\\":\\"\\\\ud800\\"}"}')).toEqual(['surrogate@16']);
  });
});

describe('lone surrogates in output', () => {
  it('replaceLoneSurrogates fixes strings in place and names them; pairs are left alone', () => {
    const value = { a: 'ok 😀', b: ['x\ud800', { c: '\udc00y' }] };
    expect(replaceLoneSurrogates(value)).toEqual(['b[0]', 'b[1].c']);
    expect(value).toEqual({ a: 'ok 😀', b: ['x\ufffd', { c: '\ufffdy' }] });
  });

  it('JSON Lines keeps a lone surrogate; Parquet writes U+FFFD with a warning instead of failing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trajkit-spark-surrogate-'));
    try {
      const task = join(dir, 'data', 'odd-task');
      await mkdir(task, { recursive: true });
      const event = { type: 'execution_result', attempt: 0, success: false, reward: 0, status: 'FAIL', n_passed: 0, n_tests: 1, agent_stdout_full: '', test_stdout_full: 'x\ud800', agent_commands: '', test_summary: '', result_json: null, ctrf_json: null, retry_injection: '', error: '', ts: 1 };
      await writeFile(join(task, 'trajectory.jsonl'), `${JSON.stringify(event)}\n`);

      const jsonl = join(dir, 'out.jsonl');
      const a = await importSparkToFile(join(dir, 'data'), jsonl);
      expect(a.warnings.map((w) => w.code)).toContain('lone_surrogate');
      expect(a.lossy).toBe(false);
      for await (const item of readRecords(jsonl)) expect((item.record as { outcome: { verifier_output: string } }).outcome.verifier_output).toBe('x\ud800');

      const parquet = join(dir, 'out.parquet');
      const b = await importSparkToFile(join(dir, 'data'), parquet);
      expect(b.lossy).toBe(true);
      expect(b.warnings).toContainEqual(expect.objectContaining({ code: 'lone_surrogate_replaced', task: 'odd-task', file: 'trajectory.jsonl', line: 1 }));
      for await (const item of readRecords(parquet)) expect((item.record as { outcome: { verifier_output: string } }).outcome.verifier_output).toBe('x\ufffd');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
