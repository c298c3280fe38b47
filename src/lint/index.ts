/** trajkit lint: the details rules of ADP issue #226, as data and functions. */
export * from './rules.js';
export * from './concepts.js';
export * from './typed-targets.js';
export * from './stringified.js';
export * from './convert-value.js';
export * from './config.js';
export * from './load-config-option.js';
export * from './field-path.js';
export * from './plan-details.js';
export * from './dataset-details.js';
export * from './lint-record.js';
export * from './lint-files.js';
export * from './details-stats.js';
export * from './format-report.js';
export * from './trajectory-files.js';
