import type { TrajkitCommand } from './command.js';
import { downloadCommand } from './download.js';
import { validateCommand } from './validate.js';
import { lintCommand } from './lint.js';
import { migrateCommand } from './migrate.js';
import { importCommand } from './import.js';
import { queryCommand } from './query.js';
import { reportCommand } from './report.js';
import { pdiCommand } from './pdi.js';

/**
 * Every CLI command, in the order `trajkit --help` lists them. Each module is a thin layer
 * over an exported library function; add a new command here and nowhere else.
 */
export const commands: TrajkitCommand[] = [validateCommand, lintCommand, migrateCommand, importCommand, downloadCommand, queryCommand, reportCommand, pdiCommand];
