/** The container formats trajkit reads and writes records from. */
export type RecordFormat = 'json' | 'jsonl' | 'parquet';

/** A file's record format and whether its bytes are gzipped. */
export interface RecordFileType {
  format: RecordFormat;
  gzip: boolean;
}

// Parquet compresses internally; a gzipped Parquet file is not something any tool writes.
const SUFFIXES: ReadonlyArray<readonly [string, RecordFileType]> = [
  ['.jsonl.gz', { format: 'jsonl', gzip: true }],
  ['.ndjson.gz', { format: 'jsonl', gzip: true }],
  ['.json.gz', { format: 'json', gzip: true }],
  ['.jsonl', { format: 'jsonl', gzip: false }],
  ['.ndjson', { format: 'jsonl', gzip: false }],
  ['.json', { format: 'json', gzip: false }],
  ['.parquet', { format: 'parquet', gzip: false }],
];

/** File name endings trajkit reads as records, for messages and docs. */
export const RECORD_FILE_SUFFIXES: readonly string[] = SUFFIXES.map(([suffix]) => suffix);

/**
 * The record format of `path`, judged by its name (case-insensitive): `.json`, `.jsonl`,
 * `.ndjson`, each optionally `.gz`, and `.parquet`. Undefined for anything else.
 */
export function recordFileType(path: string): RecordFileType | undefined {
  const lower = path.toLowerCase();
  for (const [suffix, type] of SUFFIXES) if (lower.endsWith(suffix)) return { ...type };
  return undefined;
}
