/** SPARK's proxy PDI (spec §6): a pure engine, no I/O. */
export * from './rounding.js';
export * from './tokens.js';
export * from './sections.js';
export * from './similarity.js';
export * from './zscore.js';
export * from './proxies.js';
export * from './engine.js';
export * from './issues.js';
export * from './spark-records.js';
export * from './step-inputs.js';
export * from './task.js';
export * from './compare.js';
