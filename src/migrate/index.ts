/** trajkit migrate: legacy ADP → 1.5.0 shape → trajkit 1.6.0, and 1.6.0 → 1.5.0, losslessly. */
export * from './upgrade-to-v1-5.js';
export * from './apply-details-plan.js';
export * from './typed-stash.js';
export * from './downgrade-record.js';
export * from './migrate-record.js';
export * from './migrate-files.js';
export * from './format-migration.js';
export { importAtifRecord, type AtifImportIssue, type AtifImportResult } from '../../converters/atif/import.js';
