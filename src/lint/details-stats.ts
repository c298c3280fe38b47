import { basename, dirname } from 'node:path';
import { expandInputs } from '../io/inputs.js';
import { readRecords } from '../io/read-records.js';
import { trajectoryInputs } from './trajectory-files.js';
import { configResolver, defaultLintConfig, type LintConfig } from './config.js';
import { datasetDetails } from './dataset-details.js';
import { valueShape, type ValueShape } from './stringified.js';

/** One details key across a corpus: the line of the #226 inventory. */
export interface DetailsKeyStats {
  key: string;
  /** Records that have the key. */
  records: number;
  /** Datasets (folders) that have the key. */
  datasets: number;
  /** How often each value shape occurs (`string:number` = a number written as a string, …). */
  types: Partial<Record<ValueShape, number>>;
  /** The concept it belongs to, or `dataset-specific`. */
  concept: string;
  /** The typed field it moves to in 1.6.0 (absent for dataset-specific keys). */
  field?: string;
  /** Where the mapping comes from: `issue-226`, `wild`, `adp`, or `config`. */
  from?: string;
}

/** The inventory `trajkit lint --stats` prints. */
export interface DetailsInventory {
  files: number;
  records: number;
  /** Records with a non-empty details map. */
  recordsWithDetails: number;
  /** Records that could not be read. */
  unreadable: number;
  datasets: number;
  /** Most used first. */
  keys: DetailsKeyStats[];
}

interface KeyAccumulator {
  records: number;
  datasets: Set<string>;
  types: Partial<Record<ValueShape, number>>;
}

/**
 * Accumulates the details inventory record by record (pure; memory grows with the number of
 * distinct keys and datasets, not records). A dataset is whatever the caller names it; the file
 * variant uses the record file's folder.
 */
export class DetailsInventoryBuilder {
  private readonly keys = new Map<string, KeyAccumulator>();
  private readonly datasetNames = new Set<string>();
  private records = 0;
  private withDetails = 0;
  private unreadableCount = 0;
  private fileCount = 0;

  /** Counts one record of `dataset`. */
  add(record: unknown, dataset: string): void {
    this.records++;
    const details = datasetDetails(record);
    if (!details) return;
    // Only files of trajectories count as datasets (not SFT renderings or metadata.json).
    this.datasetNames.add(dataset);
    const keys = Object.keys(details.map);
    if (keys.length > 0) this.withDetails++;
    for (const key of keys) {
      let acc = this.keys.get(key);
      if (!acc) {
        acc = { records: 0, datasets: new Set(), types: {} };
        this.keys.set(key, acc);
      }
      acc.records++;
      acc.datasets.add(dataset);
      const shape = valueShape(details.map[key]);
      acc.types[shape] = (acc.types[shape] ?? 0) + 1;
    }
  }

  /** Counts a record that could not be read. */
  addUnreadable(): void {
    this.records++;
    this.unreadableCount++;
  }

  /** Counts a file. */
  addFile(): void {
    this.fileCount++;
  }

  /** The inventory so far; `config` decides which concept each key maps to. */
  result(config: LintConfig = defaultLintConfig): DetailsInventory {
    const keys: DetailsKeyStats[] = [...this.keys.entries()].map(([key, acc]) => {
      const route = config.route(key);
      const stats: DetailsKeyStats = {
        key,
        records: acc.records,
        datasets: acc.datasets.size,
        types: acc.types,
        concept: route ? (route.concept?.concept ?? 'mapped') : 'dataset-specific',
      };
      if (route) {
        stats.field = route.target.field;
        stats.from = route.mapped ? 'config' : route.concept?.from;
      }
      return stats;
    });
    keys.sort((a, b) => b.records - a.records || b.datasets - a.datasets || a.key.localeCompare(b.key));
    return {
      files: this.fileCount,
      records: this.records,
      recordsWithDetails: this.withDetails,
      unreadable: this.unreadableCount,
      datasets: this.datasetNames.size,
      keys,
    };
  }
}

/**
 * The dataset a record file belongs to: the folder that holds it (so two snapshots of one
 * dataset, `pre-1.0/eto` and `legacy_v1/eto`, stay apart); a bare file name stands for itself.
 */
export function datasetOfFile(file: string): string {
  const dir = dirname(file);
  return dir === '.' ? basename(file) : dir;
}

/**
 * Streams the given files and builds the details inventory (ADP issue #226's table): every
 * details key, how many records and datasets use it, its value types, and its concept.
 */
export async function detailsStatsFiles(
  paths: string[],
  options: { config?: LintConfig; cwd?: string; maxStringLength?: number } = {},
): Promise<DetailsInventory> {
  const builder = new DetailsInventoryBuilder();
  let config = options.config;
  const resolveConfig = configResolver({ explicit: options.config, cwd: options.cwd });
  for await (const { path: file } of expandInputs(paths, trajectoryInputs)) {
    builder.addFile();
    // Mappings decide concepts: with no --config, the first file's config stands for the run.
    config ??= await resolveConfig(file);
    const dataset = datasetOfFile(file);
    for await (const item of readRecords(file, { maxStringLength: options.maxStringLength })) {
      if (item.error) builder.addUnreadable();
      else builder.add(item.record, dataset);
    }
  }
  return builder.result(config);
}
