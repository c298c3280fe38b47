import { describe, expect, it } from 'vitest';
import { computeTaskPdi, PdiEngine, toSnapshot, type PdiStepInput } from '../../src/pdi/engine.js';

// Spec §6.6: M1/M2 are full memos using the §5 headings.
function memo(n: number, facts: string, strategy: string): string {
  return [
    `## Exploration Memo (${n} failed attempts)`,
    '### Attempts Log',
    `- #${n}: failed`,
    '### Commands From Last Attempt',
    'python3 solve.py',
    '### Verified Facts',
    facts,
    '### Current Error Pattern',
    'totals mismatch',
    '### Next Strategy',
    strategy,
    '',
  ].join('\n');
}

const A0 = 'python3 solve.py\ncat out.csv';
const A1 = 'python3 solve.py --pandas';
const T = 'FAILED (fix these):\n  ✗ test_totals: mismatch';
const M1 = memo(1, '- solve.py writes out.csv', 'recompute totals with pandas');
const M2 = memo(2, '- solve.py writes out.csv\n- pandas sum gives wrong totals', 'recompute totals with pandas groupby');

const vector: PdiStepInput[] = [
  { archived: 0, memo: M1, previousMemo: '', agentCommands: A0, testSummary: T, previousTestSummary: '' },
  { archived: 1, memo: M2, previousMemo: M1, agentCommands: A1, testSummary: T, previousTestSummary: T },
];

describe('spec §6.6 test vector', () => {
  it('token_overlap', () => {
    expect(computeTaskPdi(vector).map(toSnapshot)).toEqual([
      { step: 0, proxy_exec: 0.8, proxy_plan: 0, proxy_oss: 0, raw_pdi: 0.8, weight: 0, weighted_pdi: 0, triggered: false, level: null },
      { step: 1, proxy_exec: 0.3, proxy_plan: 0.8, proxy_oss: 0.75, raw_pdi: -3, weight: 0.5, weighted_pdi: -1.5, triggered: true, level: 'soft' },
    ]);
  });

  it('js_divergence', () => {
    expect(computeTaskPdi(vector, { method: 'js_divergence' }).map(toSnapshot)).toEqual([
      { step: 0, proxy_exec: 0.8159, proxy_plan: 0, proxy_oss: 0, raw_pdi: 0.8159, weight: 0, weighted_pdi: 0, triggered: false, level: null },
      { step: 1, proxy_exec: 0.6323, proxy_plan: 0.9267, proxy_oss: 0.8952, raw_pdi: -3, weight: 0.5, weighted_pdi: -1.5, triggered: true, level: 'soft' },
    ]);
  });

  it('the step-at-a-time engine gives the same results as the whole-task function', () => {
    const engine = new PdiEngine({ method: 'js_divergence' });
    const online = vector.map((input) => engine.step(input));
    expect(online).toEqual(computeTaskPdi(vector, { method: 'js_divergence' }));
    expect(engine.results).toEqual(online);
  });
});

describe('combination and trigger (spec §6.5)', () => {
  const proxies = (e: number, p: number, o: number) => ({ proxy_exec: e, proxy_plan: p, proxy_oss: o });

  it('weight ramps with warmup; a streak escalates soft, strong, strong, and resets after a miss', () => {
    const engine = new PdiEngine();
    const results = [
      engine.stepFromProxies(0, proxies(0.9, 0, 0)),
      engine.stepFromProxies(1, proxies(0.1, 0.9, 0.9)), // z = −1, +1, +1 → raw −3
      engine.stepFromProxies(2, proxies(0.1, 0.9, 0.9)),
      engine.stepFromProxies(3, proxies(0.05, 0.95, 0.95)),
      engine.stepFromProxies(4, proxies(0.99, 0, 0)),
      engine.stepFromProxies(5, proxies(0.01, 0.99, 0.99)),
    ];
    expect(results.map((r) => r.weight)).toEqual([0, 0.5, 1, 1, 1, 1]);
    expect(results.map((r) => r.level)).toEqual([null, 'soft', 'strong', 'strong', null, 'soft']);
  });

  it('the threshold is strict: weighted exactly −0.5 does not trigger', () => {
    const engine = new PdiEngine();
    engine.stepFromProxies(0, proxies(0.5, 0, 0));
    // two samples: z ∈ {−1, 0, 1}; exec falls (−1), plan and oss constant (std 0 → z 0) → raw −1, weight 0.5
    const second = engine.stepFromProxies(1, proxies(0.25, 0, 0));
    expect(second.raw_pdi).toBe(-1);
    expect(second.weighted_pdi).toBe(-0.5);
    expect(second.triggered).toBe(false);
  });

  it('step 0 never triggers, whatever the weight', () => {
    const engine = new PdiEngine({ warmup: 0.0001, threshold: 100 });
    expect(engine.stepFromProxies(0, proxies(0, 1, 1)).triggered).toBe(false);
    expect(engine.stepFromProxies(1, proxies(0, 1, 1)).triggered).toBe(true);
  });

  it('disabled PDI never triggers', () => {
    const engine = new PdiEngine({ enabled: false });
    engine.stepFromProxies(0, proxies(0.9, 0, 0));
    expect(engine.stepFromProxies(1, proxies(0.1, 0.9, 0.9)).triggered).toBe(false);
  });

  it('legacy numbering: step −1, weight −0.5, weighted −0.5·raw, untriggered', () => {
    const [first] = computeTaskPdi([vector[0]!], { stepNumbering: 'legacy' });
    expect(toSnapshot(first!)).toEqual({
      step: -1, proxy_exec: 0.8, proxy_plan: 0, proxy_oss: 0, raw_pdi: 0.8, weight: -0.5, weighted_pdi: -0.4, triggered: false, level: null,
    });
  });

  it('exact-zero std: a constant list with a tiny non-zero std still gives z = ±1, like numpy', () => {
    const engine = new PdiEngine();
    for (let i = 0; i < 3; i++) engine.stepFromProxies(i, proxies(0.1, 0, 0));
    // E = [0.1, 0.1, 0.1]: std ≈ 1.4e−17, z(0.1) = −1; L and O are exactly 0: z = 0
    expect(engine.results[2]!.raw_pdi).toBe(-1);
    const eight = new PdiEngine();
    for (let i = 0; i < 8; i++) eight.stepFromProxies(i, proxies(0.1, 0, 0));
    // numpy's pairwise sum makes eight copies exact: std = 0, z = 0
    expect(eight.results[7]!.raw_pdi).toBe(0);
  });

  it('rejects a warmup that is not positive', () => {
    expect(() => new PdiEngine({ warmup: 0 })).toThrow(/warmup/);
  });
});
