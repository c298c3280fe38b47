import type { LineBatchTransform } from '../io/parallel-lines.js';
import { parseJsonLine } from '../io/read-records.js';
import { resolveLintConfig, type LintConfig } from '../lint/config.js';
import type { MigrateTarget } from './migrate-record.js';
import { emptyTally, tallyRecord, type MigrationTally } from './migration-tally.js';

/**
 * The worker module of `migrateFiles`' parallel JSON Lines path (loaded by `openLinePool` in
 * each worker thread): reads, migrates and serialises one batch of lines exactly as the
 * single-thread path does a file (same `parseJsonLine`, same `tallyRecord`, same
 * `JSON.stringify` + `\n` as the JSON Lines writer).
 */

/** A lint config as plain data (the functions of a `LintConfig` cannot cross threads). */
export interface LintConfigData {
  rules: LintConfig['rules'];
  mappings: LintConfig['mappings'];
  largeValueBytes: number;
  source?: string;
}

/** What every worker gets at the start of a file. */
export interface MigrateLinesInit {
  to: MigrateTarget;
  config: LintConfigData;
  maxFindings: number;
  maxStringLength: number;
}

/** One batch's answer: its tally (places counted within the batch) and its output lines. */
export interface MigratedBatch {
  tally: MigrationTally;
  /** The migrated records as JSON Lines, UTF-8. */
  bytes: Uint8Array;
}

/** The data a worker needs to rebuild `config` (through `resolveLintConfig`, as a config file would). */
export function lintConfigData(config: LintConfig): LintConfigData {
  return { rules: { ...config.rules }, mappings: { ...config.mappings }, largeValueBytes: config.largeValueBytes, source: config.source };
}

const encoder = new TextEncoder();

export function createLineBatchTransform(init: MigrateLinesInit): LineBatchTransform<MigratedBatch> {
  const { rules, mappings, largeValueBytes, source } = init.config;
  const options = { to: init.to, config: resolveLintConfig({ rules, mappings, largeValueBytes }, source), maxFindings: init.maxFindings };
  return (lines, batch) => {
    const tally = emptyTally();
    let text = '';
    for (const line of lines) {
      const read = parseJsonLine(line, init.maxStringLength, batch.seq === 0 && line.lineNumber === 1);
      if (read === undefined) continue;
      const record = tallyRecord(tally, { line: line.lineNumber, index: tally.records, ...read }, options);
      if (record !== undefined) text += `${JSON.stringify(record)}\n`;
    }
    // TextEncoder gives the bytes an ArrayBuffer of their own, so they can be transferred.
    const bytes = encoder.encode(text);
    return { value: { tally, bytes }, transfer: [bytes.buffer] };
  };
}
