import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureLowerMismatch } from '../../src/analytics/batch-pdi.js';
import { DuckDb } from '../../src/analytics/duckdb.js';
import { pairwiseDepth, pairwiseMacros, textMacros, wordClassPattern } from '../../src/analytics/pdi-sql.js';
import { roundHalfEven4 } from '../../src/pdi/rounding.js';
import { failedTests, section } from '../../src/pdi/sections.js';
import { tokens } from '../../src/pdi/tokens.js';
import { pairwiseSum } from '../../src/pdi/zscore.js';

let db: DuckDb;

beforeAll(async () => {
  db = await DuckDb.create({ threads: 2 });
  db.registerStringFunction('tk_js_lower', (s) => s.toLowerCase());
  for (const macro of [...textMacros('token_overlap', await measureLowerMismatch(db)), ...pairwiseMacros(700)]) await db.run(macro);
  // every code point except surrogates, one per row
  await db.run(`CREATE TEMP TABLE cp AS SELECT i::INTEGER AS cp, chr(i::INTEGER) AS c FROM range(1, 1114112) t(i) WHERE i < 55296 OR i > 57343`);
});
afterAll(() => db.close());

function randomGenerator(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('Unicode parity of the SQL tokenizer with the TypeScript one (measured over every code point)', () => {
  it("DuckDB's own lower() differs from toLowerCase(), which is why non-ASCII goes through tk_js_lower", async () => {
    const rows = await db.rows<{ cp: number; l: string }>(`SELECT cp, '<' || lower(c) AS l FROM cp`);
    const differing = rows.filter(({ cp, l }) => `<${String.fromCodePoint(cp).toLowerCase()}` !== l).map(({ cp }) => cp);
    expect(differing).toContain(0x130); // İ → i + U+0307 in JS
    expect(differing).toContain(0x1c89); // a Unicode 16 capital DuckDB's tables do not know
    expect(differing.length).toBeGreaterThan(2);
  });

  it('tk_lower equals toLowerCase() on every code point, and on final sigma in context', async () => {
    // '<' in front: the node binding drops a leading U+FEFF from strings it returns
    const rows = await db.rows<{ cp: number; l: string }>(`SELECT cp, '<' || tk_lower(c) AS l FROM cp`);
    const differing = rows.filter(({ cp, l }) => `<${String.fromCodePoint(cp).toLowerCase()}` !== l).map(({ cp }) => cp.toString(16));
    expect(differing).toEqual([]);
    const samples = ['ΟΔΟΣ ΣΑ', 'ΑΣ.', 'Σ', 'x\ufeffY', '\ufeffΣΑΣ', 'İSTANBUL', 'ABC'];
    const lowered = await db.rows<{ l: string }>(`SELECT '<' || tk_lower(unnest($s)) AS l`, { s: samples });
    expect(lowered.map((r) => r.l)).toEqual(samples.map((s) => `<${s.toLowerCase()}`));
  });

  it("the generated word class matches JS /[\\p{L}\\p{N}_]/u on every code point (RE2's \\p{L}\\p{N} does not)", async () => {
    const rows = await db.rows<{ cp: number; ours: boolean; re2: boolean }>(
      `SELECT cp, len(regexp_extract_all(c, '${wordClassPattern()}')) = 1 AS ours, regexp_matches(c, '^[\\p{L}\\p{N}_]$') AS re2 FROM cp`,
    );
    const word = /^[\p{L}\p{N}_]$/u;
    expect(rows.filter((r) => word.test(String.fromCodePoint(r.cp)) !== r.ours).map((r) => r.cp.toString(16))).toEqual([]);
    expect(rows.filter((r) => word.test(String.fromCodePoint(r.cp)) !== r.re2).length).toBeGreaterThan(0);
  });

  it('tk_tokens, tk_section and tk_failed agree with the TypeScript functions on awkward texts', async () => {
    const texts = [
      'İstanbul ΟΔΟΣ x² ½ ⅻ 四 café\u0301 a\u0000b \u1c89\u1c8a \ua7cd 😀emoji BOM\ufeffjoin â\u0080\u0099',
      '### Verified Facts\n  - a\n#### Detail\n- b\n### Next Strategy\nplan\x1c\n',
      '#### Verified Facts\nx\n### Verified Facts\ny',
      '### Verified Facts\r\nnope',
      'FAILED:\r\n  ✗ a: x\r  ✗ b\x0b✗ c\u2028 ✗  d  \x1c✗ a: x\n✗\n\u0085✗ e',
      '',
    ];
    const rows = await db.rows<{ t: string[]; f: string; s: string; failed: string[] }>(
      `SELECT tk_tokens(x) AS t, tk_section(x, 'Verified Facts') AS f, tk_section(x, 'Next Strategy') AS s, tk_failed(x) AS failed
       FROM (SELECT unnest($texts) AS x, generate_subscripts($texts, 1) AS i) ORDER BY i`,
      { texts },
    );
    rows.forEach((row, i) => {
      const text = texts[i]!;
      expect(row.t).toEqual(tokens(text));
      expect(row.f).toBe(section(text, 'Verified Facts'));
      expect(row.s).toBe(section(text, 'Next Strategy'));
      expect([...row.failed].sort()).toEqual([...failedTests(text)].sort());
    });
  });
});

describe('numerics of the SQL path', () => {
  it('tk_round4 equals roundHalfEven4: ties, near-ties and random doubles', async () => {
    const random = randomGenerator(7);
    const values = [0.65625, 0.34375, -0.65625, 0.00035, 0.12345, 2.67565, 0.30005, -3, 0, -1.5, 1e-9, 123.45675];
    for (let k = -300; k <= 300; k++) values.push(k / 32, k / 1e4 + 0.00005, (k + 0.5) / 1e4);
    for (let i = 0; i < 3000; i++) values.push((random() - 0.5) * 10 ** Math.floor(random() * 5));
    const rows = await db.rows<{ r: number }>(`SELECT tk_round4(x) AS r FROM (SELECT unnest($v) AS x, generate_subscripts($v, 1) AS i) ORDER BY i`, {
      v: values,
    });
    expect(rows.map((r) => r.r)).toEqual(values.map(roundHalfEven4));
  });

  it('tk_pw equals numpy-style pairwiseSum bit for bit, across recursion levels', async () => {
    const random = randomGenerator(11);
    const sizes = [1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 255, 256, 257, 300, 513, 700];
    expect(pairwiseDepth(700)).toBeGreaterThanOrEqual(2);
    const lists = sizes.map((n) => Array.from({ length: n }, () => random() * 10 ** Math.floor(random() * 6 - 3)));
    await db.run('CREATE OR REPLACE TEMP TABLE lists (i INTEGER, l DOUBLE[])');
    for (const [i, l] of lists.entries()) await db.run('INSERT INTO lists VALUES ($i, $l)', { i, l });
    const rows = await db.rows<{ s: number }>('SELECT tk_pw(l) AS s FROM lists ORDER BY i');
    expect(rows.map((r) => r.s)).toEqual(lists.map((l) => pairwiseSum(l)));
    // the exact-zero std case: eight copies of 0.1 sum to exactly 0.8
    const [{ eight }] = await db.rows<{ eight: number }>(`SELECT tk_pw([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]::DOUBLE[]) AS eight`);
    expect(eight).toBe(0.8);
  });
});
