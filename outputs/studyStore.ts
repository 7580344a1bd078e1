// The study store: DIR/study.duckdb, an embedded DuckDB database (@duckdb/node-api) with one row per
// point, one per (point, strategy) and one per (point, pair of strategies), each carrying the
// point's input values as columns named by their field paths, so one SQL query answers a question
// across the whole study. A point is committed in one transaction, after its trial file is in
// place: a study killed at any moment (SIGKILL included) leaves every committed point whole and no
// trace of the others, and DuckDB's write-ahead log brings the database back on the next open.
// DuckDB holds an exclusive lock on the file while it is open, so a second study writing into the
// same folder is refused (by the operating system's file lock, released when the process dies).
// DuckDB is imported when a store is opened, so other commands never load its native library.
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement, DuckDBValue } from '@duckdb/node-api';
import { join } from 'node:path';
import type { PairPointSummary, PointSummary, StrategyPointSummary } from './pointSummary.js';

export class StudyStoreError extends Error {}

export const STORE_FILE = 'study.duckdb';

export interface StoreIdentity {
  /** Hash of everything a point's numbers depend on: the study as resolved, its scenario, the engine version. */
  fingerprint: string;
  name: string;
  design: string;
  engineVersion: string;
  /** The study as resolved (JSON): shown when another study finds this store. */
  definition: string;
  /** Field paths of the inputs: the input columns. */
  inputs: readonly string[];
  /** The study's decision: strategy a against strategy b (the decision view). */
  decision: { a: string; b: string };
}

/** A point as the store holds it. */
export interface StoredPoint {
  point: number;
  label: string;
  /** The fields the point set, as JSON. */
  sets: string;
  values: number[];
  summary: PointSummary;
}

export interface AnalysisTable {
  name: string;
  columns: { name: string; type: 'DOUBLE' | 'VARCHAR' | 'INTEGER' | 'BOOLEAN' }[];
  rows: DuckDBValue[][];
}

const STRATEGY_COLUMNS: { name: string; key: keyof StrategyPointSummary }[] = [
  { name: 'npv_mean_usd', key: 'npvMeanUsd' },
  { name: 'npv_se_usd', key: 'npvSeUsd' },
  { name: 'npv_sd_usd', key: 'npvSdUsd' },
  { name: 'npv_p5_usd', key: 'npvP5Usd' },
  { name: 'npv_p50_usd', key: 'npvP50Usd' },
  { name: 'npv_p95_usd', key: 'npvP95Usd' },
  { name: 'npv_cvar5_usd', key: 'npvCvar5Usd' },
  { name: 'p_npv_negative', key: 'pNpvNegative' },
  { name: 'p_ruin', key: 'pRuin' },
  { name: 'irr_p50', key: 'irrP50' },
  { name: 'payback_month_p50', key: 'paybackMonthP50' },
  { name: 'btc_mined_mean', key: 'btcMinedMean' },
  { name: 'revenue_usd_per_kwh_mean', key: 'revenueUsdPerKwhMean' },
];

const PAIR_COLUMNS: { name: string; key: keyof PairPointSummary }[] = [
  { name: 'mean_difference_usd', key: 'meanDifferenceUsd' },
  { name: 'difference_se_usd', key: 'differenceSeUsd' },
  { name: 'p_a_beats_b', key: 'pABeatsB' },
  { name: 'p_a_beats_b_se', key: 'pABeatsBSe' },
];

/** A SQL identifier, quoted: input columns are field paths with dots and brackets. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL text literal (strategy names may hold quotes only in theory: the schema allows none). */
function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function placeholders(rows: number, columns: number, offset = 0): string {
  return Array.from({ length: rows }, (_, r) => `(${Array.from({ length: columns }, (_, c) => `$${offset + r * columns + c + 1}`).join(', ')})`).join(', ');
}

function lockHolder(message: string): string | undefined {
  return /Conflicting lock is held in .*?\(PID (\d+)\)/.exec(message)?.[1];
}

export class StudyStore {
  /** A point's inserts, prepared once (parsing their hundred placeholders cost ~1.5 ms a point). */
  private readonly statements = new Map<string, Promise<DuckDBPreparedStatement>>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly inputs: readonly string[],
  ) {}

  /**
   * Opens (or creates) DIR/study.duckdb for this study.
   * @throws StudyStoreError when another process has the store open, or it holds another study.
   */
  static async open(dir: string, identity: StoreIdentity): Promise<StudyStore> {
    const path = join(dir, STORE_FILE);
    // Loaded here, not at import: its native library would slow the start of every command.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    let instance: DuckDBInstance;
    try {
      // One thread: the store's statements are a few rows each, and DuckDB's task scheduling for
      // more threads costs CPU that the study's worker threads need.
      instance = await DuckDBInstance.create(path, { threads: '1' });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const pid = lockHolder(message);
      if (pid) throw new StudyStoreError(`${dir} is in use: another study (process ${pid}) is writing ${STORE_FILE}. Wait for it to finish, or pass another --out.`);
      // A study that started a moment ago may not have written the new file's header yet.
      if (/not a valid DuckDB database file/.test(message)) {
        throw new StudyStoreError(`cannot open ${path}: it is not (yet) a DuckDB database. If another study has just started writing into ${dir}, wait for it to finish or pass another --out; otherwise the file is damaged: remove it, or pass another --out.`);
      }
      throw new StudyStoreError(`cannot open ${path}: ${message}`);
    }
    const connection = await instance.connect();
    const store = new StudyStore(instance, connection, identity.inputs);
    try {
      await store.claim(dir, identity);
    } catch (error) {
      store.close();
      throw error;
    }
    return store;
  }

  private async claim(dir: string, identity: StoreIdentity): Promise<void> {
    const tables = await this.query("SELECT table_name FROM information_schema.tables WHERE table_name = 'study'");
    if (tables.length > 0) {
      const [row] = await this.query('SELECT fingerprint, name, definition FROM study');
      if (row && row[0] === identity.fingerprint) return;
      const name = row ? String(row[1]) : '(unnamed)';
      throw new StudyStoreError(
        `${dir} holds the store of another study ("${name}"${row ? `, ${differences(String(row[2]), identity.definition)}` : ''}). ` +
          'A store belongs to one study: pass another --out, or delete the folder to start this study afresh.',
      );
    }
    const inputColumns = this.inputs.map((path) => `${quoteIdentifier(path)} DOUBLE`);
    await this.connection.run('BEGIN TRANSACTION');
    await this.connection.run('CREATE TABLE study (fingerprint VARCHAR, name VARCHAR, design VARCHAR, engine_version VARCHAR, definition VARCHAR)');
    await this.connection.run(`CREATE TABLE points (point INTEGER PRIMARY KEY, label VARCHAR, sets VARCHAR, trials INTEGER${inputColumns.map((c) => `, ${c}`).join('')})`);
    await this.connection.run(`CREATE TABLE summary (point INTEGER, strategy VARCHAR${inputColumns.map((c) => `, ${c}`).join('')}${STRATEGY_COLUMNS.map((c) => `, ${c.name} DOUBLE`).join('')})`);
    await this.connection.run(`CREATE TABLE pairs (point INTEGER, a VARCHAR, b VARCHAR${inputColumns.map((c) => `, ${c}`).join('')}${PAIR_COLUMNS.map((c) => `, ${c.name} DOUBLE`).join('')})`);
    // The study's decision, oriented a - b whichever way round the pairs table holds it.
    const flip = `(a = ${quoteLiteral(identity.decision.b)})`;
    await this.connection.run(
      `CREATE VIEW decision AS SELECT point, ${quoteLiteral(identity.decision.a)} AS a, ${quoteLiteral(identity.decision.b)} AS b${this.inputs.map((path) => `, ${quoteIdentifier(path)}`).join('')}, ` +
        `CASE WHEN ${flip} THEN -mean_difference_usd ELSE mean_difference_usd END AS mean_difference_usd, difference_se_usd, ` +
        `CASE WHEN ${flip} THEN 1 - p_a_beats_b ELSE p_a_beats_b END AS p_a_beats_b, p_a_beats_b_se ` +
        `FROM pairs WHERE (a = ${quoteLiteral(identity.decision.a)} AND b = ${quoteLiteral(identity.decision.b)}) OR ${flip} AND b = ${quoteLiteral(identity.decision.a)}`,
    );
    await this.connection.run('INSERT INTO study VALUES ($1, $2, $3, $4, $5)', [identity.fingerprint, identity.name, identity.design, identity.engineVersion, identity.definition]);
    await this.connection.run('COMMIT');
  }

  private async query(sql: string): Promise<DuckDBValue[][]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRows();
  }

  /** Every committed point, in point order. */
  async points(): Promise<Map<number, StoredPoint>> {
    const inputs = this.inputs.map(quoteIdentifier).join(', ');
    const points = await this.query(`SELECT point, label, sets, trials${inputs ? `, ${inputs}` : ''} FROM points ORDER BY point`);
    const strategies = await this.query(`SELECT point, strategy, ${STRATEGY_COLUMNS.map((c) => c.name).join(', ')} FROM summary ORDER BY point, rowid`);
    const pairs = await this.query(`SELECT point, a, b, ${PAIR_COLUMNS.map((c) => c.name).join(', ')} FROM pairs ORDER BY point, rowid`);
    const stored = new Map<number, StoredPoint>();
    for (const row of points) {
      const point = Number(row[0]);
      stored.set(point, {
        point,
        label: String(row[1]),
        sets: String(row[2]),
        values: row.slice(4).map(Number),
        summary: { trials: Number(row[3]), strategies: [], pairs: [] },
      });
    }
    const number = (v: DuckDBValue) => (v === null ? null : Number(v));
    for (const row of strategies) {
      const summary = { strategy: String(row[1]) } as Record<string, unknown>;
      STRATEGY_COLUMNS.forEach((c, i) => (summary[c.key] = number(row[2 + i])));
      stored.get(Number(row[0]))?.summary.strategies.push(summary as unknown as StrategyPointSummary);
    }
    for (const row of pairs) {
      const pair = { a: String(row[1]), b: String(row[2]) } as Record<string, unknown>;
      PAIR_COLUMNS.forEach((c, i) => (pair[c.key] = number(row[3 + i])));
      stored.get(Number(row[0]))?.summary.pairs.push(pair as unknown as PairPointSummary);
    }
    return stored;
  }

  /** Adds a point's rows, all or none. */
  async commit(point: StoredPoint): Promise<void> {
    const { summary, values } = point;
    const strategyRows = summary.strategies.map((s): DuckDBValue[] => [point.point, s.strategy, ...values, ...STRATEGY_COLUMNS.map((c) => s[c.key] as number | null)]);
    const pairRows = summary.pairs.map((p): DuckDBValue[] => [point.point, p.a, p.b, ...values, ...PAIR_COLUMNS.map((c) => p[c.key] as number | null)]);
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await this.insert('points', [[point.point, point.label, point.sets, summary.trials, ...values]]);
      await this.insert('summary', strategyRows);
      await this.insert('pairs', pairRows);
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
  }

  private async insert(table: string, rows: readonly DuckDBValue[][]): Promise<void> {
    if (rows.length === 0) return;
    const sql = `INSERT INTO ${table} VALUES ${placeholders(rows.length, rows[0].length)}`;
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    const prepared = await statement;
    prepared.bind(rows.flat());
    await prepared.run();
  }

  /**
   * Writes the write-ahead log into the database file now, on DuckDB's side, so that close() (which
   * blocks this thread) has nothing left to write: a study overlaps it with drawing its charts.
   */
  async checkpoint(): Promise<void> {
    await this.connection.run('CHECKPOINT');
  }

  /** Replaces the analysis tables (tornado, Sobol indices, break-evens) in one transaction. */
  async writeAnalysis(tables: readonly AnalysisTable[]): Promise<void> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      for (const table of tables) {
        await this.connection.run(`CREATE OR REPLACE TABLE ${quoteIdentifier(table.name)} (${table.columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ')})`);
        // Batches keep each statement's parameter list small.
        for (let first = 0; first < table.rows.length; first += 200) {
          const rows = table.rows.slice(first, first + 200);
          await this.connection.run(`INSERT INTO ${quoteIdentifier(table.name)} VALUES ${placeholders(rows.length, table.columns.length)}`, rows.flat());
        }
      }
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** What differs between two resolved study definitions, in a few words. */
function differences(stored: string, current: string): string {
  let a: Record<string, unknown>;
  let b: Record<string, unknown>;
  try {
    a = JSON.parse(stored) as Record<string, unknown>;
    b = JSON.parse(current) as Record<string, unknown>;
  } catch {
    return 'made by another version';
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
  const shown = keys.map((key) => {
    const before = JSON.stringify(a[key]);
    const after = JSON.stringify(b[key]);
    return before.length + after.length <= 60 ? `${key} ${before} there, ${after} here` : `${key} differs`;
  });
  return shown.length > 0 ? shown.join('; ') : 'the same settings, another engine or scenario';
}
