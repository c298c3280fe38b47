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

export function createLineBatchTransform(init: MigrateLinesInit): LineBatchTransform<MigratedBatch> {
  const { rules, mappings, largeValueBytes, source } = init.config;
  const options = { to: init.to, config: resolveLintConfig({ rules, mappings, largeValueBytes }, source), maxFindings: init.maxFindings };
  return (lines, batch) => {
    const tally = emptyTally();
    // Migrated JSON is about as long as its input; a little room saves growing the buffer.
    const out = new Utf8Output(batch.byteLength + (batch.byteLength >> 4) + 1024);
    for (const line of lines) {
      const read = parseJsonLine(line, init.maxStringLength, batch.seq === 0 && line.lineNumber === 1);
      if (read === undefined) continue;
      const record = tallyRecord(tally, { line: line.lineNumber, index: tally.records, ...read }, options);
      if (record !== undefined) out.line(JSON.stringify(record));
    }
    const bytes = out.bytes();
    return { value: { tally, bytes }, transfer: [bytes.buffer as ArrayBuffer] };
  };
}

const encoder = new TextEncoder();

/**
 * UTF-8 lines written straight into one growing buffer of its own (so it can be transferred):
 * each record's JSON is encoded as it is made, never joined into one big string first, which
 * would cost a copy and a large heap allocation per batch.
 */
class Utf8Output {
  private buffer: Buffer;
  private length = 0;

  constructor(capacity: number) {
    // allocUnsafeSlow: not zero-filled, and never a slice of the shared pool, so transferable.
    this.buffer = Buffer.allocUnsafeSlow(capacity);
  }

  /** Appends `text` and a newline. */
  line(text: string): void {
    let rest = text;
    for (;;) {
      const { read, written } = encoder.encodeInto(rest, this.buffer.subarray(this.length));
      this.length += written;
      if (read === rest.length) break;
      // Out of room: encodeInto stops between characters, so the rest is a clean suffix.
      rest = rest.slice(read);
      this.grow(rest.length * 3);
    }
    if (this.length === this.buffer.length) this.grow(1);
    this.buffer[this.length++] = 10;
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private grow(atLeast: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.max(Math.ceil(this.buffer.length * 1.5), this.length + atLeast));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
