import * as duckdb from '@duckdb/node-api';

/** A value bound to a `$name` parameter. Arrays bind as DuckDB lists. */
export type SqlParam = string | number | boolean | null | readonly string[] | readonly number[];

/** Settings of the in-process database. */
export interface DuckDbOptions {
  /** Worker threads (DuckDB default: one per core). */
  threads?: number;
  /** e.g. `"400MB"`; DuckDB spills to `tempDirectory` beyond it where it can. */
  memoryLimit?: string;
  tempDirectory?: string;
}

/**
 * trajkit's one DuckDB wrapper: an in-process database (no server) and one connection.
 * Every SQL value goes in as a bound `$name` parameter, never spliced into the text.
 */
export class DuckDb {
  private constructor(
    private readonly instance: duckdb.DuckDBInstance,
    private readonly connection: duckdb.DuckDBConnection,
  ) {}

  /** Opens an in-memory database. */
  static async create(options: DuckDbOptions = {}): Promise<DuckDb> {
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config.threads = String(options.threads);
    if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
    if (options.tempDirectory !== undefined) config.temp_directory = options.tempDirectory;
    const instance = await duckdb.DuckDBInstance.create(':memory:', config);
    try {
      return new DuckDb(instance, await instance.connect());
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  /** Runs a statement for its effect. */
  async run(sql: string, params: Record<string, SqlParam> = {}): Promise<void> {
    const [values, types] = bind(params);
    await this.connection.run(sql, values, types);
  }

  /** Runs a query and returns its rows as plain JS objects (BIGINT as `bigint`: cast in SQL for numbers). */
  async rows<T = Record<string, unknown>>(sql: string, params: Record<string, SqlParam> = {}): Promise<T[]> {
    const [values, types] = bind(params);
    const reader = await this.connection.runAndReadAll(sql, values, types);
    return reader.getRowObjectsJS() as T[];
  }

  /** Appends rows of strings, numbers, booleans and nulls to an existing table. */
  async append(table: string, rows: Iterable<readonly (string | number | boolean | null)[]>): Promise<void> {
    const appender = await this.connection.createAppender(table);
    try {
      for (const row of rows) {
        for (const value of row) {
          if (value === null) appender.appendNull();
          else if (typeof value === 'string') appender.appendVarchar(value);
          else if (typeof value === 'boolean') appender.appendBoolean(value);
          else appender.appendDouble(value);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /**
   * Registers `name(VARCHAR) → VARCHAR`, computed by `fn` on the JS thread (NULL stays NULL).
   * DuckDB calls it one vector at a time; callbacks are serialized, so keep it for work SQL
   * cannot do exactly.
   */
  registerStringFunction(name: string, fn: (value: string) => string): void {
    this.connection.registerScalarFunction(
      duckdb.DuckDBScalarFunction.create({
        name,
        returnType: duckdb.VARCHAR,
        parameterTypes: [duckdb.VARCHAR],
        mainFunction: (_info, input, output) => {
          const column = input.getColumnVector(0);
          for (let row = 0; row < input.rowCount; row++) {
            const value = column.getItem(row);
            output.setItem(row, typeof value === 'string' ? fn(value) : null);
          }
          output.flush();
        },
      }),
    );
  }

  /** Closes the connection and the database. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function bind(params: Record<string, SqlParam>): [Record<string, duckdb.DuckDBValue>, Record<string, duckdb.DuckDBType>] {
  const values: Record<string, duckdb.DuckDBValue> = {};
  const types: Record<string, duckdb.DuckDBType> = {};
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) {
      const numeric = value.length > 0 && typeof value[0] === 'number';
      values[name] = duckdb.listValue([...value]);
      types[name] = duckdb.LIST(numeric ? duckdb.DOUBLE : duckdb.VARCHAR);
    } else if (typeof value === 'number') {
      values[name] = value;
      types[name] = duckdb.DOUBLE;
    } else if (typeof value === 'boolean') {
      values[name] = value;
      types[name] = duckdb.BOOLEAN;
    } else {
      values[name] = value as string | null;
      types[name] = duckdb.VARCHAR;
    }
  }
  return [values, types];
}
