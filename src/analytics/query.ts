import { TrajkitError, UsageError } from '../errors.js';
import type { DuckDb } from './duckdb.js';
import { formatTextTable } from './text-table.js';
import { withAnalyticsViews, type AnalyticsViewsOptions, type ViewCounts, type ViewIssue } from './views.js';

/** A value of a query result, safe for JSON: BIGINT within ±2^53 as a number, beyond as a string. */
export type QueryValue = null | boolean | number | string | QueryValue[] | { [key: string]: QueryValue };

/** One result column: its name (made unique like DuckDB does, `a`, `a:1`) and its SQL type when known. */
export interface QueryColumn {
  name: string;
  /** DuckDB type (`BIGINT`, `JSON`, `VARCHAR[]`, …); `null` when the statement cannot be described (e.g. `SHOW TABLES`). */
  type: string | null;
}

/** What {@link runQuery} returns. */
export interface QueryResult {
  columns: QueryColumn[];
  /** One array per row, in column order. */
  rows: QueryValue[][];
  /** Records left out or notes about the data, from loading the views. */
  issues: ViewIssue[];
  counts: ViewCounts;
}

/** Options of {@link runQuery}: how the views are loaded (see {@link AnalyticsViewsOptions}). */
export type QueryOptions = Omit<AnalyticsViewsOptions, 'inputs'>;

/** Output formats of {@link formatQueryResult}. */
export const QUERY_FORMATS = ['table', 'csv', 'json', 'jsonl'] as const;
export type QueryFormat = (typeof QUERY_FORMATS)[number];

/** The SQL of a query failed in DuckDB (exit 2: the query is the user's input). */
export class QueryError extends TrajkitError {
  constructor(message: string, cause?: unknown) {
    super('TK_QUERY', `query failed: ${message}`, { exitCode: 2, cause });
  }
}

/**
 * Runs DuckDB SQL over the `trajectories`, `attempts` and `steps` views of `inputs` (see
 * {@link openAnalyticsViews}) and returns every row of the last statement. The result is held
 * in memory: aggregate, or use `LIMIT`, for large selections. Throws {@link QueryError} when
 * DuckDB rejects the SQL.
 */
export async function runQuery(inputs: readonly string[], sql: string, options: QueryOptions = {}): Promise<QueryResult> {
  if (sql.trim() === '') throw new UsageError('the SQL query is empty');
  return withAnalyticsViews({ ...options, inputs }, async ({ db, issues, counts }) => {
    const { columns, rows } = await querySession(db, sql);
    return { columns, rows, issues, counts };
  });
}

/** Runs `sql` on an open session and converts the rows (see {@link runQuery}). */
export async function querySession(db: DuckDb, sql: string): Promise<{ columns: QueryColumn[]; rows: QueryValue[][] }> {
  let objects: Record<string, unknown>[];
  try {
    objects = await db.rows<Record<string, unknown>>(sql);
  } catch (error) {
    throw new QueryError(oneLine((error as Error).message), error);
  }
  const described = await describe(db, sql);
  // Row objects carry DuckDB's de-duplicated names (`a`, `a:1`); DESCRIBE gives the types in the same order.
  const names = objects.length > 0 ? Object.keys(objects[0]) : uniqueNames(described.map((c) => c.name));
  const columns = names.map((name, i) => ({ name, type: described.length === names.length ? described[i].type : null }));
  const rows = objects.map((object) => names.map((name) => toQueryValue(object[name])));
  return { columns, rows };
}

/** Column names and types of a single query; none for statements DESCRIBE does not take. */
async function describe(db: DuckDb, sql: string): Promise<{ name: string; type: string }[]> {
  try {
    const rows = await db.rows<{ column_name: string; column_type: string }>(`DESCRIBE ${sql.trim().replace(/;+\s*$/, '')}`);
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  } catch {
    return [];
  }
}

function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n === 0 ? name : `${name}:${n}`;
  });
}

function oneLine(message: string): string {
  // The node API prefixes parse errors with its own step name; the DuckDB message is what helps.
  return message.replace(/^Failed to extract statements: /, '').replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Converts a value DuckDB's node API returns into plain JSON: `bigint` (BIGINT, HUGEINT, counts)
 * becomes a number when it is a safe integer and a decimal string beyond, so no digit is lost;
 * timestamps become ISO strings, blobs `\xNN`-escaped text, lists and structs recurse.
 */
export function toQueryValue(value: unknown): QueryValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) {
    return Array.from(value, (b) => (b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
  }
  if (Array.isArray(value)) return value.map(toQueryValue);
  if (typeof value === 'object') {
    const out: { [key: string]: QueryValue } = {};
    for (const [k, v] of Object.entries(value)) out[k] = toQueryValue(v);
    return out;
  }
  return String(value);
}

/**
 * Renders a result: `table` (aligned text, long cells clipped), `csv` (RFC 4180, header row,
 * NULL as an empty field), `json` (one array of row objects; JSON-typed columns embedded as
 * JSON) or `jsonl` (one row object per line).
 */
export function formatQueryResult(result: Pick<QueryResult, 'columns' | 'rows'>, format: QueryFormat): string {
  const names = result.columns.map((c) => c.name);
  switch (format) {
    case 'table':
      return formatTextTable(names, result.rows) + `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})\n`;
    case 'csv':
      return [names, ...result.rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
    case 'json':
      return `${JSON.stringify(rowObjects(result))}\n`;
    case 'jsonl':
      return rowObjects(result).map((row) => `${JSON.stringify(row)}\n`).join('');
  }
}

/** Rows as objects keyed by column name, with JSON-typed columns parsed into values. */
export function rowObjects(result: Pick<QueryResult, 'columns' | 'rows'>): Record<string, QueryValue>[] {
  const isJson = result.columns.map((c) => c.type === 'JSON');
  return result.rows.map((row) => {
    const object: Record<string, QueryValue> = {};
    result.columns.forEach((column, i) => {
      const value = row[i];
      object[column.name] = isJson[i] && typeof value === 'string' ? parseJson(value) : value;
    });
    return object;
  });
}

function parseJson(text: string): QueryValue {
  try {
    return JSON.parse(text) as QueryValue;
  } catch {
    return text;
  }
}

function csvField(value: QueryValue | string): string {
  if (value === null) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
