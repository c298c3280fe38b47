import { InputError } from '../errors.js';
import { loadLintConfigFile, type LintConfig } from './config.js';

/**
 * Loads the config named by a `--config` option. A package.json without a `trajkit` key is an
 * error here (the user named it on purpose), unlike during the automatic search.
 */
export async function loadConfigOption(path: string | undefined): Promise<LintConfig | undefined> {
  if (path === undefined) return undefined;
  const config = await loadLintConfigFile(path);
  if (!config) throw new InputError(path, 'has no "trajkit" key to read lint settings from');
  return config;
}
