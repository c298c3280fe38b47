import type { PdiMethod } from '../schema/pdi-snapshot.js';
import { failedTests, section } from './sections.js';
import { SIMILARITIES } from './similarity.js';

/** The texts one snapshot is computed from (spec §6.1). */
export interface PdiTexts {
  /** `M`: the memo after this reflect. */
  memo: string;
  /** `P`: the memo before it (`""` before the first archived memo; may be synthetic). */
  previousMemo: string;
  /** `A`: this attempt's `agent_commands`. */
  agentCommands: string;
  /** `T`: this attempt's test summary. */
  testSummary: string;
  /** `T'`: the previous attempt's test summary as `attempts.json` stores it (`""` for attempt 0). */
  previousTestSummary: string;
}

/** The three proxies of one snapshot, unrounded. */
export interface PdiProxies {
  proxy_exec: number;
  proxy_plan: number;
  proxy_oss: number;
}

/**
 * The proxies of spec §6.4: execution grounding (`exec`), plan repetition (`plan`) and
 * observation/state similarity (`oss`). The `P ≠ ""` tests are on the whole previous memo,
 * not on its sections.
 */
export function computeProxies(texts: PdiTexts, method: PdiMethod): PdiProxies {
  const sim = SIMILARITIES[method];
  const facts = section(texts.memo, 'Verified Facts');
  const proxy_exec = facts !== '' ? sim.coverage(texts.agentCommands, facts) : 0;
  if (texts.previousMemo === '') return { proxy_exec, proxy_plan: 0, proxy_oss: 0 };
  const proxy_plan = sim.jaccard(section(texts.previousMemo, 'Next Strategy'), section(texts.memo, 'Next Strategy'));
  const proxy_oss =
    0.5 * sim.jaccard(section(texts.previousMemo, 'Verified Facts'), facts) +
    0.5 * sim.failedSimilarity(failedTests(texts.testSummary), failedTests(texts.previousTestSummary));
  return { proxy_exec, proxy_plan, proxy_oss };
}
