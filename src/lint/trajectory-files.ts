import { basename } from 'node:path';
import type { ExpandInputsOptions } from '../io/inputs.js';
import { RECORD_FILE_SUFFIXES, recordFileType } from '../io/record-format.js';

/**
 * JSON files that sit beside trajectories but are not records: configs, and ADP's dataset
 * `metadata.json`. Lint skips them and, above all, `migrate --in-place` never rewrites them.
 */
export const NON_TRAJECTORY_FILE_NAMES: ReadonlySet<string> = new Set([
  'trajkit.config.json',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'metadata.json',
]);

/** True for a record file (by extension) that is not one of {@link NON_TRAJECTORY_FILE_NAMES}. */
export function isTrajectoryFile(path: string): boolean {
  return recordFileType(path) !== undefined && !NON_TRAJECTORY_FILE_NAMES.has(basename(path).toLowerCase());
}

/** `expandInputs` options for commands that read or rewrite trajectories. */
export const trajectoryInputs: ExpandInputsOptions = {
  accept: isTrajectoryFile,
  describeAccepted: `trajectory files (${RECORD_FILE_SUFFIXES.join(', ')}; not ${[...NON_TRAJECTORY_FILE_NAMES].join(', ')})`,
};
