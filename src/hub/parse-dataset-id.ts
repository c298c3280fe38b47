import { HubError } from './hub-error.js';

const PART = /^[A-Za-z0-9_.-]+$/;

/**
 * Normalises a dataset designation (`owner/name`, `datasets/owner/name`, or a legacy single
 * `name`) to `owner/name`, with the rules of Python's `validate_repo_id`: letters, digits,
 * `_ . -`, no `--` or `..`, at most 96 characters. Anything else is a usage error, because the
 * id becomes a cache folder name.
 */
export function parseDatasetId(input: string): string {
  const trimmed = input.trim().replace(/^datasets\//, '');
  const parts = trimmed.split('/');
  const valid =
    trimmed.length > 0 &&
    trimmed.length <= 96 &&
    parts.length <= 2 &&
    parts.every((part) => PART.test(part) && !/^[-.]|[-.]$/.test(part)) &&
    !trimmed.includes('--') &&
    !trimmed.includes('..');
  if (!valid) {
    throw new HubError(
      'TK_HUB_CONFIG',
      `not a dataset id: ${JSON.stringify(input)} (expected owner/name, e.g. EtaYang10th/SPARK_PDI_Trajectory)`,
    );
  }
  return trimmed;
}
