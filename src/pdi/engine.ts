import type { PdiMethod, PdiSnapshot, PdiSnapshotValues } from '../schema/pdi-snapshot.js';
import { computeProxies, type PdiProxies, type PdiTexts } from './proxies.js';
import { roundHalfEven4 } from './rounding.js';
import { zScore } from './zscore.js';

/** How a SPARK writer numbered steps: `standard` = archived memos; `legacy` = one less (§6.5). */
export type StepNumbering = 'standard' | 'legacy';

/** Settings of the PDI computation (spec §6.5 defaults: token_overlap, warmup 2, threshold −0.5). */
export interface PdiSettings {
  method: PdiMethod;
  /** Steps until full weight: `weight = min(1, step / warmup)`. Must be > 0. */
  warmup: number;
  /** A snapshot triggers when its weighted PDI is strictly below this. */
  threshold: number;
  /** PDI interventions enabled (every released run). Disabled: nothing triggers. */
  enabled: boolean;
  /** Step numbering of the writer being reproduced. */
  stepNumbering: StepNumbering;
}

/** The defaults of SPARK's released runs. */
export const DEFAULT_PDI_SETTINGS: Readonly<PdiSettings> = Object.freeze({
  method: 'token_overlap',
  warmup: 2,
  threshold: -0.5,
  enabled: true,
  stepNumbering: 'standard',
});

/** Everything one step needs: its texts and how many non-empty memos are archived so far. */
export interface PdiStepInput extends PdiTexts {
  /**
   * Non-empty memos archived so far, counting the one this reflect replaced
   * (`len(memo_history)` after the update). The spec's `step` under standard numbering.
   */
  archived: number;
}

/** One recomputed snapshot, unrounded (round with {@link toSnapshot} to compare or store). */
export type PdiStepResult = PdiSnapshotValues;

/**
 * The PDI of one task, one step at a time: the online form the pipeline runner calls after
 * each reflect, and the building block of {@link computeTaskPdi}. Keeps the task-wide proxy
 * lists (never reset within a task) and whether the previous snapshot triggered.
 */
export class PdiEngine {
  readonly settings: Readonly<PdiSettings>;
  private readonly execs: number[] = [];
  private readonly plans: number[] = [];
  private readonly osses: number[] = [];
  private readonly history: PdiStepResult[] = [];

  constructor(settings: Partial<PdiSettings> = {}) {
    this.settings = Object.freeze({ ...DEFAULT_PDI_SETTINGS, ...settings });
    if (!(this.settings.warmup > 0) || !Number.isFinite(this.settings.warmup)) {
      throw new RangeError(`PDI warmup must be a positive number, got ${this.settings.warmup}`);
    }
    if (!Number.isFinite(this.settings.threshold)) {
      throw new RangeError(`PDI threshold must be a finite number, got ${this.settings.threshold}`);
    }
  }

  /** Snapshots computed so far, oldest first. */
  get results(): readonly PdiStepResult[] {
    return this.history;
  }

  /** Computes the snapshot of the next reflect from its texts. */
  step(input: PdiStepInput): PdiStepResult {
    return this.stepFromProxies(input.archived, computeProxies(input, this.settings.method));
  }

  /**
   * Adds a snapshot from proxies computed elsewhere (spec §6.5 steps 1–5). Exposed so that
   * callers holding proxies — a replay, a what-if over stored proxies — skip the text work.
   */
  stepFromProxies(archived: number, proxies: PdiProxies): PdiStepResult {
    const { warmup, threshold, enabled, stepNumbering } = this.settings;
    const step = stepNumbering === 'legacy' ? archived - 1 : archived;
    this.execs.push(proxies.proxy_exec);
    this.plans.push(proxies.proxy_plan);
    this.osses.push(proxies.proxy_oss);
    const raw_pdi =
      this.execs.length >= 2
        ? zScore(proxies.proxy_exec, this.execs) - zScore(proxies.proxy_plan, this.plans) - zScore(proxies.proxy_oss, this.osses)
        : proxies.proxy_exec - proxies.proxy_plan - proxies.proxy_oss;
    const weight = Math.min(1, step / warmup);
    const weighted_pdi = weight * raw_pdi;
    const triggered = enabled && step >= 1 && weight > 0 && weighted_pdi < threshold;
    const previous = this.history[this.history.length - 1];
    const level = triggered ? (previous?.triggered ? 'strong' : 'soft') : null;
    const result: PdiStepResult = { ...proxies, step, raw_pdi, weight, weighted_pdi, triggered, level };
    this.history.push(result);
    return result;
  }
}

/** The snapshots of a whole task, in order (spec §6.5). */
export function computeTaskPdi(inputs: Iterable<PdiStepInput>, settings: Partial<PdiSettings> = {}): PdiStepResult[] {
  const engine = new PdiEngine(settings);
  for (const input of inputs) engine.step(input);
  return [...engine.results];
}

/** The stored form of a result: floats rounded to 4 dp half-to-even, as SPARK wrote them. */
export function toSnapshot(result: PdiStepResult): PdiSnapshot {
  return {
    step: result.step,
    proxy_exec: roundHalfEven4(result.proxy_exec),
    proxy_plan: roundHalfEven4(result.proxy_plan),
    proxy_oss: roundHalfEven4(result.proxy_oss),
    raw_pdi: roundHalfEven4(result.raw_pdi),
    weight: roundHalfEven4(result.weight),
    weighted_pdi: roundHalfEven4(result.weighted_pdi),
    triggered: result.triggered,
    level: result.level,
  };
}
