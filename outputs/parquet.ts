// trials.parquet and paths.parquet: the same numbers as trials.csv and paths.csv in a typed,
// columnar file that pandas, polars, R (arrow) and DuckDB read with proper types: the trial index
// INT32, every outcome DOUBLE with nulls where trials.csv has an empty cell.
//
// Written with hyparquet-writer (pure JavaScript, no native code or downloads, Snappy built in) and
// read back with hyparquet, its companion reader. The writer streams: rows are encoded one row
// group at a time and handed to `write` in ~1 MB pieces, so 10^6 trials x 35 columns never exist
// as one buffer, and the file joins the run's all-or-nothing write like every other output.
// Numeric columns held in typed arrays (trials.parquet, a study's point files) skip the writer's
// per-value encoding: their column chunks are written straight from the arrays, the same bytes
// (outputs/parquetColumnChunk.ts); hyparquet-writer frames the file (header, footer, metadata).
import { closeSync } from 'node:fs';
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer } from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { MARKET_METRICS, STRATEGY_METRICS, type OutcomeBlock } from '../engine/outcomes.js';
import { openBoundedFile, readAt, type FileLimit } from '../scenarios/boundedFile.js';
import { HOST_IS_LITTLE_ENDIAN, MAX_CHUNK_ROWS, writeNumericColumnChunk, type NumericColumnKind } from './parquetColumnChunk.js';

/**
 * Rows per row group: large enough for good compression, small enough to bound memory while writing
 * (and to keep each column chunk one page, as writeNumericColumnChunk needs).
 */
const ROW_GROUP_ROWS = Math.min(1 << 16, MAX_CHUNK_ROWS);
/** Bytes buffered before they are handed to `write`. */
const FLUSH_BYTES = 1 << 20;

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/** A hyparquet-writer Writer that passes its bytes on in pieces instead of growing one buffer. */
class StreamingWriter extends ByteWriter {
  constructor(private readonly sink: (chunk: Uint8Array) => void) {
    super(FLUSH_BYTES + (1 << 16));
  }

  override ensure(size: number): void {
    if (this.index > FLUSH_BYTES) this.flush();
    super.ensure(size);
  }

  flush(): void {
    // The sink writes synchronously (writeSync), so the view can be reused straight after.
    if (this.index > 0) this.sink(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }
}

export interface ParquetColumn {
  name: string;
  /** DOUBLE_NAN: a REQUIRED double column, NaN stored as NaN, no nulls (a shard's trials: read ~3x faster). */
  type: 'INT32' | 'DOUBLE' | 'DOUBLE_NAN' | 'STRING';
  /**
   * Values for rows [0, rowCount); for DOUBLE, NaN is written as null. When every double column is
   * a Float64Array (and no column is STRING), the file is written from the arrays without boxing a
   * value (writeNumericRowGroup: ~6x less CPU for a study point's file); same bytes either way.
   */
  values: ((row: number) => number | string) | Float64Array;
}

export interface ParquetWriteOptions {
  /** Key-value metadata in the file footer. */
  metadata?: Record<string, string>;
  /**
   * Min/max/null counts per column chunk (default true). They let readers skip row groups; a file of
   * one small row group (a study point's) gains nothing from them and they cost a pass per column.
   */
  statistics?: boolean;
}

/**
 * Writes a table column by column, one row group at a time. DOUBLE and STRING columns are OPTIONAL
 * (nullable); INT32 and DOUBLE_NAN columns are REQUIRED.
 */
export function writeParquet(
  columns: readonly ParquetColumn[],
  rowCount: number,
  write: (chunk: Uint8Array) => void,
  { metadata = {}, statistics = true }: ParquetWriteOptions = {},
): void {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map((c): SchemaElement =>
      c.type === 'INT32' || c.type === 'DOUBLE_NAN'
        ? { name: c.name, type: c.type === 'INT32' ? 'INT32' : 'DOUBLE', repetition_type: 'REQUIRED' }
        : c.type === 'STRING'
          ? { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }
          : { name: c.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    ),
  ];
  const writer = new StreamingWriter(write);
  const parquet = new ParquetWriter({
    writer,
    schema,
    createdBy: 'hashpivot',
    statistics,
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  const numeric = HOST_IS_LITTLE_ENDIAN && columns.every((c) => c.type === 'INT32' || (c.type !== 'STRING' && c.values instanceof Float64Array));
  for (let first = 0; first < rowCount; first += ROW_GROUP_ROWS) {
    const n = Math.min(ROW_GROUP_ROWS, rowCount - first);
    if (numeric) {
      writeNumericRowGroup(parquet, columns, first, n, statistics);
    } else {
      const columnData = columns.map((c) => ({ name: c.name, data: rowGroupValues(c, first, n), encoding: 'PLAIN' as const }));
      // Synchronous: the writer's flush returns nothing, so no row group waits on a promise.
      void parquet.write({ columnData, rowGroupSize: n });
    }
  }
  void parquet.finish();
}

let int32Scratch = new Int32Array(0);

/** Rows [first, first + n) of an INT32 column, checked as hyparquet-writer checks them. */
function int32Values({ values }: ParquetColumn, first: number, n: number): Int32Array {
  if (int32Scratch.length < n) int32Scratch = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values instanceof Float64Array ? values[first + i] : values(first + i);
    if (!Number.isSafeInteger(v)) throw new Error(`parquet expected integer value, got ${String(v)}`);
    if ((v as number) < -2147483648 || (v as number) > 2147483647) throw new Error(`parquet expected int32 value, got ${String(v)}`);
    int32Scratch[i] = v as number;
  }
  return int32Scratch.subarray(0, n);
}

/**
 * A row group of numeric columns held in typed arrays, each chunk written straight from its array
 * (outputs/parquetColumnChunk.ts: the bytes ParquetWriter.write gives, several times faster), then
 * recorded in the writer's footer as ParquetWriter.write records its own.
 */
function writeNumericRowGroup(parquet: ParquetWriter, columns: readonly ParquetColumn[], first: number, n: number, statistics: boolean): void {
  const start = parquet.writer.offset;
  const chunks = columns.map((c) =>
    writeNumericColumnChunk(parquet.writer, c.name, c.type as NumericColumnKind, c.type === 'INT32' ? int32Values(c, first, n) : (c.values as Float64Array).subarray(first, first + n), statistics),
  );
  let totalByteSize = 0n;
  for (const chunk of chunks) totalByteSize += chunk.meta_data?.total_uncompressed_size ?? 0n;
  parquet.num_rows += BigInt(n);
  parquet.row_groups.push({ columns: chunks, total_byte_size: totalByteSize, num_rows: BigInt(n), total_compressed_size: BigInt(parquet.writer.offset - start) });
  void parquet.writer.flush?.();
}

/** Rows [first, first + n) of a column as hyparquet-writer takes them: NaN as null (but in DOUBLE_NAN). */
function rowGroupValues({ values, type }: ParquetColumn, first: number, n: number): (number | string | null)[] {
  const data: (number | string | null)[] = new Array(n);
  const nulls = type !== 'DOUBLE_NAN';
  for (let i = 0; i < n; i++) {
    const v = values instanceof Float64Array ? values[first + i] : values(first + i);
    data[i] = nulls && typeof v === 'number' && v !== v ? null : v;
  }
  return data;
}

/**
 * The columns of trials.csv, in the same order and with the same names: outcomes as nullable DOUBLE
 * (an absent value null, as in trials.csv), or with `doubles` DOUBLE_NAN.
 */
export function trialsParquetColumns(block: OutcomeBlock, strategyNames: readonly string[], doubles: 'DOUBLE' | 'DOUBLE_NAN' = 'DOUBLE'): ParquetColumn[] {
  if (strategyNames.length !== block.strategyCount) {
    throw new RangeError(`trialsParquetColumns: ${strategyNames.length} strategy names for a block of ${block.strategyCount} strategies`);
  }
  const n = block.trialCount;
  const columns: ParquetColumn[] = [{ name: 'trial', type: 'INT32', values: (t) => block.firstTrial + t }];
  MARKET_METRICS.forEach((metric, c) => {
    columns.push({ name: metric, type: doubles, values: block.market.subarray(c * n, c * n + n) });
  });
  strategyNames.forEach((name, s) => {
    STRATEGY_METRICS.forEach((metric, m) => {
      const offset = (s * STRATEGY_METRICS.length + m) * n;
      columns.push({ name: `${name}.${metric}`, type: doubles, values: block.strategy.subarray(offset, offset + n) });
    });
  });
  return columns;
}

export function writeTrialsParquet(
  block: OutcomeBlock,
  strategyNames: readonly string[],
  write: (chunk: Uint8Array) => void,
  metadata: Record<string, string> = {},
  doubles: 'DOUBLE' | 'DOUBLE_NAN' = 'DOUBLE',
): void {
  writeParquet(trialsParquetColumns(block, strategyNames, doubles), block.trialCount, write, { metadata });
}

export interface ParquetTable {
  rowCount: number;
  /** Column names in file order. */
  columnNames: string[];
  /** The requested columns, numbers as Float64Array (null read as NaN), strings as arrays. */
  columns: Map<string, Float64Array | (string | null)[]>;
  metadata: Record<string, string>;
}

/** What a Parquet file says about itself before its columns are read: checked by readParquet's caller. */
export interface ParquetHeader {
  rowCount: number;
  columnNames: string[];
  metadata: Record<string, string>;
}

/** hyparquet reads byte ranges through this: from the descriptor that was checked, never by path again. */
function asyncBufferFromDescriptor(fd: number, byteLength: number): AsyncBuffer {
  return {
    byteLength,
    slice(start, end = byteLength) {
      const buffer = new Uint8Array(Math.max(0, end - start));
      const read = readAt(fd, buffer, start);
      return Promise.resolve(buffer.buffer.slice(0, read));
    },
  };
}

const PARQUET_LIMIT: FileLimit = { maxBytes: 2 ** 40, what: 'a Parquet file' };

/**
 * Reads a Parquet file's columns (all, the ones named, or the ones a function picks from those
 * present) with hyparquet. Numeric columns come back
 * as Float64Array with NaN for null; text columns as arrays of strings. The file must be a regular
 * file within `limit`; `check` sees its row count, columns and key-value metadata before any
 * column is read (and throws to refuse it), so a file claiming 10^12 rows allocates nothing.
 */
export async function readParquet(
  path: string,
  columnNames?: readonly string[] | ((present: readonly string[]) => readonly string[]),
  limit: FileLimit = PARQUET_LIMIT,
  check: (header: ParquetHeader) => void = () => {},
): Promise<ParquetTable> {
  const { fd, bytes } = openBoundedFile(path, limit);
  try {
    return await readParquetFrom(asyncBufferFromDescriptor(fd, bytes), path, columnNames, check);
  } finally {
    closeSync(fd);
  }
}

async function readParquetFrom(
  file: AsyncBuffer,
  path: string,
  columnNames: readonly string[] | ((present: readonly string[]) => readonly string[]) | undefined,
  check: (header: ParquetHeader) => void,
): Promise<ParquetTable> {
  // Reads only the byte ranges of the footer and the requested columns.
  const unreadable = (error: unknown) => new Error(`${path} is not a readable Parquet file (${error instanceof Error ? error.message : String(error)})`);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw unreadable(error);
  }
  const schema = parquetSchema(metadata);
  const names = schema.children.map((c) => c.element.name);
  const kv: Record<string, string> = {};
  for (const { key, value } of metadata.key_value_metadata ?? []) kv[key] = value ?? '';
  const rowCount = Number(metadata.num_rows);
  check({ rowCount, columnNames: names, metadata: kv });
  const wanted = typeof columnNames === 'function' ? columnNames(names) : (columnNames ?? names);
  for (const name of wanted) if (!names.includes(name)) throw new Error(`${path} has no column "${name}"`);
  const isText = new Map(schema.children.map((c) => [c.element.name, c.element.type === 'BYTE_ARRAY']));
  const columns = new Map<string, Float64Array | (string | null)[]>();
  for (const name of wanted) columns.set(name, isText.get(name) ? new Array<string | null>(rowCount).fill(null) : new Float64Array(rowCount));
  if (wanted.length > 0 && rowCount > 0) {
    // A footer that reads can still front damaged pages: hyparquet's own message names no file.
    await parquetRead({
      file,
      metadata,
      columns: [...wanted],
      onChunk({ columnName, columnData, rowStart }) {
        const target = columns.get(columnName)!;
        if (target instanceof Float64Array && columnData instanceof Float64Array) {
          target.set(columnData, rowStart); // a REQUIRED double column: no nulls to map
        } else if (target instanceof Float64Array) {
          for (let i = 0; i < columnData.length; i++) {
            const v = columnData[i];
            target[rowStart + i] = v === null || v === undefined ? NaN : Number(v);
          }
        } else {
          for (let i = 0; i < columnData.length; i++) target[rowStart + i] = (columnData[i] as string | null) ?? null;
        }
      },
    }).catch((error: unknown) => {
      throw unreadable(error);
    });
  }
  return { rowCount, columnNames: names, columns, metadata: kv };
}
