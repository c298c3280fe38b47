/**
 * trajkit's public API. Everything the CLI does is reachable from here.
 */
export * from './errors.js';
export * from './hub/index.js';
