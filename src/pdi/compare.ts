import { toSnapshot, type PdiStepResult } from './engine.js';
import type { RecordedSnapshot } from './step-inputs.js';

/** Fields of a snapshot that a comparison checks, in report order. */
export const COMPARED_FIELDS = ['step', 'proxy_exec', 'proxy_plan', 'proxy_oss', 'raw_pdi', 'weight', 'weighted_pdi', 'triggered', 'level'] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/**
 * Why a recorded and a recomputed value differ.
 * - `legacy-step-numbering`: the step matches once the legacy `archived − 1` numbering is applied (counts as matched).
 * - `missing-recomputed` / `missing-recorded`: one side has no snapshot for this step.
 * - `settings-differ`: the recomputation used other settings than the run (a what-if).
 * - `rounding-boundary`: the unrounded value sits on a 4-dp rounding boundary.
 * - `threshold-boundary`: the weighted PDI sits on the threshold, so the strict `<` can flip.
 * - `follows-upstream-mismatch`: an input of this field (a proxy, an earlier step, the trigger) already differs.
 * - `value-differs`: none of the above: the recomputation disagrees at the source.
 */
export type MismatchReason =
  | 'legacy-step-numbering'
  | 'missing-recomputed'
  | 'missing-recorded'
  | 'settings-differ'
  | 'rounding-boundary'
  | 'threshold-boundary'
  | 'follows-upstream-mismatch'
  | 'value-differs';

/** One field of one step whose recorded and recomputed values differ. */
export interface PdiMismatch {
  task: string;
  step: number;
  field: ComparedField;
  recorded: number | boolean | string | null;
  recomputed: number | boolean | string | null;
  reason: MismatchReason;
}

/** A step to compare: the recorded snapshot and the recomputation under each numbering. */
export interface ComparableStep {
  recorded?: RecordedSnapshot;
  standard?: PdiStepResult;
  legacy?: PdiStepResult;
}

/** Totals and differences of a comparison (the `--compare --json` document, minus `tasks`/`steps`). */
export interface PdiComparison {
  compared: number;
  matched: number;
  mismatches: PdiMismatch[];
}

/**
 * Compares one task's recorded snapshots with its recomputation, field by field after
 * rounding. A step matching only under legacy numbering counts as matched and its differences
 * are listed with reason `legacy-step-numbering`. Every other difference carries the most
 * specific reason that applies.
 */
export function compareTaskSteps(
  task: string,
  steps: readonly ComparableStep[],
  options: { settingsDiffer: boolean; threshold: number },
): PdiComparison {
  const out: PdiComparison = { compared: 0, matched: 0, mismatches: [] };
  let upstream = false; // a value mismatch in an earlier step feeds later z-scores and levels
  let previousTriggerDiffers = false;
  for (const { recorded, standard, legacy } of steps) {
    if (!recorded && !standard) continue;
    out.compared++;
    if (!standard) {
      out.mismatches.push({ task, step: recorded!.step, field: 'step', recorded: recorded!.step, recomputed: null, reason: 'missing-recomputed' });
      upstream = true;
      previousTriggerDiffers = true;
      continue;
    }
    if (!recorded) {
      out.mismatches.push({ task, step: standard.step, field: 'step', recorded: null, recomputed: standard.step, reason: 'missing-recorded' });
      continue;
    }
    const standardDiffs = differingFields(recorded, standard);
    if (standardDiffs.length === 0) {
      out.matched++;
      previousTriggerDiffers = false;
      continue;
    }
    if (legacy && differingFields(recorded, legacy).length === 0) {
      out.matched++;
      const shown = toSnapshot(standard);
      for (const field of standardDiffs) {
        out.mismatches.push({ task, step: recorded.step, field, recorded: recorded[field], recomputed: shown[field], reason: 'legacy-step-numbering' });
      }
      previousTriggerDiffers = false;
      continue;
    }
    // Report against the numbering closer to the record, so a legacy task's real differences show.
    const legacyDiffs = legacy ? differingFields(recorded, legacy) : standardDiffs;
    const [result, diffs] = legacy && legacyDiffs.length < standardDiffs.length ? [legacy, legacyDiffs] : [standard, standardDiffs];
    const shown = toSnapshot(result);
    const differs = new Set(diffs);
    for (const field of diffs) {
      const reason = options.settingsDiffer
        ? 'settings-differ'
        : classify(field, result, differs, { upstream, previousTriggerDiffers, threshold: options.threshold });
      out.mismatches.push({ task, step: recorded.step, field, recorded: recorded[field], recomputed: shown[field], reason });
    }
    upstream = upstream || ['proxy_exec', 'proxy_plan', 'proxy_oss', 'raw_pdi'].some((f) => differs.has(f as ComparedField));
    previousTriggerDiffers = differs.has('triggered');
  }
  return out;
}

/** Fields whose recorded value differs from the recomputed value rounded as SPARK stored it. */
export function differingFields(recorded: RecordedSnapshot, result: PdiStepResult): ComparedField[] {
  const rounded = toSnapshot(result);
  return COMPARED_FIELDS.filter((field) => recorded[field] !== rounded[field]);
}

function classify(
  field: ComparedField,
  result: PdiStepResult,
  differs: ReadonlySet<ComparedField>,
  context: { upstream: boolean; previousTriggerDiffers: boolean; threshold: number },
): MismatchReason {
  const proxyDiffers = differs.has('proxy_exec') || differs.has('proxy_plan') || differs.has('proxy_oss');
  switch (field) {
    case 'step':
      return context.upstream ? 'follows-upstream-mismatch' : 'value-differs';
    case 'proxy_exec':
    case 'proxy_plan':
    case 'proxy_oss':
      return onRoundingBoundary(result[field]) ? 'rounding-boundary' : 'value-differs';
    case 'raw_pdi':
      if (proxyDiffers || context.upstream) return 'follows-upstream-mismatch';
      return onRoundingBoundary(result.raw_pdi) ? 'rounding-boundary' : 'value-differs';
    case 'weight':
      return differs.has('step') ? 'follows-upstream-mismatch' : onRoundingBoundary(result.weight) ? 'rounding-boundary' : 'value-differs';
    case 'weighted_pdi':
      if (differs.has('raw_pdi') || differs.has('weight')) return 'follows-upstream-mismatch';
      return onRoundingBoundary(result.weighted_pdi) ? 'rounding-boundary' : 'value-differs';
    case 'triggered':
      if (differs.has('weighted_pdi') || differs.has('step') || differs.has('weight')) return 'follows-upstream-mismatch';
      return Math.abs(result.weighted_pdi - context.threshold) < 1e-9 ? 'threshold-boundary' : 'value-differs';
    case 'level':
      return differs.has('triggered') || context.previousTriggerDiffers || context.upstream ? 'follows-upstream-mismatch' : 'value-differs';
  }
}

/** True when `x` lies within 1e−9 (in units of 10⁻⁴) of a 4-dp rounding tie. */
function onRoundingBoundary(x: number): boolean {
  const scaled = x * 10_000;
  return Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-9;
}
