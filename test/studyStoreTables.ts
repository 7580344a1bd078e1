// The tables of a study's store (DIR/study.duckdb) as plain rows, in a fixed order: a DuckDB file's
// bytes differ between two writes of the same rows, so stores are compared by their tables.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export async function readStore(dir: string): Promise<Record<string, unknown[][]>> {
  const instance = await DuckDBInstance.create(join(dir, 'study.duckdb'), { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const tables: Record<string, unknown[][]> = {};
  try {
    const present = (await connection.runAndReadAll('SELECT table_name FROM information_schema.tables')).getRowsJS().map((row) => row[0]);
    for (const [name, order] of [['study', '1'], ['points', 'point'], ['summary', 'point, strategy'], ['pairs', 'point, a, b'], ['tornado', 'metric, input'], ['sobol_indices', 'metric, input']]) {
      if (present.includes(name)) tables[name] = (await connection.runAndReadAll(`SELECT * FROM ${name} ORDER BY ${order}`)).getRowsJS();
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return tables;
}
