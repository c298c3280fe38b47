/** Colours of the report, in one place so charts, legend and table agree. */
export const COLORS = {
  pdi: '#2166ac',
  raw: '#8f8f8f',
  threshold: '#b2182b',
  belowThreshold: '#fbe3e0',
  soft: '#f0a202',
  strong: '#b2182b',
  pass: '#1a9850',
  grid: '#e6e6e6',
  axis: '#777777',
  text: '#333333',
  panel: '#fbfbfb',
} as const;

/** Reward-bar colour and legend label per normalised status; anything else is `other`. */
export const STATUS_STYLES: Record<string, { color: string; label: string }> = {
  PASS: { color: '#1a9850', label: 'PASS' },
  PARTIAL: { color: '#91cf60', label: 'PARTIAL' },
  FAIL: { color: '#d6604d', label: 'FAIL' },
  ERROR: { color: '#f4a582', label: 'ERROR' },
  INFRA_ERROR: { color: '#9970ab', label: 'INFRA_ERROR' },
  other: { color: '#bababa', label: 'other / unknown' },
};

/** The style of a status from the data (never used as markup: the data only picks a key). */
export function statusStyle(status: string | null): { color: string; label: string } {
  return (status !== null && Object.hasOwn(STATUS_STYLES, status) && status !== 'other' ? STATUS_STYLES[status] : undefined) ?? STATUS_STYLES.other;
}

/** Colour per final outcome (strip plots, table badges). */
export const OUTCOME_COLORS: Record<string, string> = {
  solved: '#1a9850',
  unsolved: '#d6604d',
  stopped: '#8f8f8f',
};

export function outcomeColor(outcome: string | null): string {
  return (outcome !== null && Object.hasOwn(OUTCOME_COLORS, outcome) ? OUTCOME_COLORS[outcome] : undefined) ?? '#bababa';
}
