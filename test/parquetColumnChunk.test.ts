// The numeric column chunks writeParquet writes straight from typed arrays
// (outputs/parquetColumnChunk.ts) against hyparquet-writer's own encoder, which writeParquet still
// uses when a double column's values come from a function: byte for byte the same file for every
// pattern of absent values, every column kind, with and without statistics. And the files read
// back in DuckDB (read_parquet) as they were written.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createOutcomeBlock, MARKET_METRICS, STRATEGY_METRICS } from '../engine/outcomes.js';
import { trialsParquetColumns, writeParquet, type ParquetColumn, type ParquetWriteOptions } from '../outputs/parquet.js';
import { freshDir } from './cliHarness.js';
import { mulberry32 } from './mulberry32.js';

function bytesOf(columns: readonly ParquetColumn[], rows: number, options: ParquetWriteOptions = {}): Buffer {
  const chunks: Uint8Array[] = [];
  writeParquet(columns, rows, (chunk) => chunks.push(chunk.slice()), options);
  return Buffer.concat(chunks);
}

/** The same columns with every typed array behind a function of the row: hyparquet-writer encodes them. */
function asFunctions(columns: readonly ParquetColumn[]): ParquetColumn[] {
  return columns.map((c) => {
    const values = c.values;
    return values instanceof Float64Array ? { ...c, values: (r: number) => values[r] } : c;
  });
}

function expectSameBytes(columns: readonly ParquetColumn[], rows: number, options: ParquetWriteOptions = {}): Buffer {
  const ours = bytesOf(columns, rows, options);
  const reference = bytesOf(asFunctions(columns), rows, options);
  expect(ours.length).toBe(reference.length);
  expect(ours.equals(reference)).toBe(true);
  return ours;
}

const words = mulberry32(5);
const random = () => words() / 2 ** 32;
/** Absent-value patterns: the definition levels' RLE runs (8 or more alike) and bit-packed groups. */
const PATTERNS: [string, (r: number) => boolean][] = [
  ['none absent', () => false],
  ['all absent', () => true],
  ['every third absent (bit-packed groups only)', (r) => r % 3 === 0],
  ['runs of 8, 9 and 7 (RLE and bit-packed in turn)', (r) => r % 24 < 8 || (r % 24 >= 15 && r % 24 < 22)],
  ['a third absent at random', () => random() < 0.3],
  ['the last row absent', (r) => r === 69_999 || r === 6],
];
const NEGATIVE_NAN = new Float64Array(new BigUint64Array([0xfff8000000000001n]).buffer)[0];

function doubles(rows: number, absent: (r: number) => boolean, nan = NaN): Float64Array {
  return Float64Array.from({ length: rows }, (_, r) => (absent(r) ? nan : r % 5 === 0 ? -0 : r % 7 === 0 ? 0 : Math.sin(r) * 10 ** (r % 12)));
}

describe('numeric column chunks', () => {
  it.each(PATTERNS)('give the bytes of hyparquet-writer for a nullable double column: %s', (_, absent) => {
    for (const rows of [1, 7, 8, 9, 1000, 70_000]) {
      const values = doubles(rows, absent);
      for (const options of [{}, { statistics: false }]) {
        expectSameBytes(
          [
            { name: 'i', type: 'INT32', values: (r) => r - 3 },
            { name: 'x', type: 'DOUBLE', values },
          ],
          rows,
          options,
        );
      }
    }
  });

  it('give the bytes of hyparquet-writer for REQUIRED doubles holding NaN (any payload), infinities and signed zeros', () => {
    const rows = 20_000;
    const values = Float64Array.from({ length: rows }, (_, r) => [NaN, NEGATIVE_NAN, Infinity, -Infinity, -0, 0][r % 9] ?? r * 1e-3);
    for (const options of [{}, { statistics: false }]) {
      expectSameBytes([{ name: 'x', type: 'DOUBLE_NAN', values }], rows, options);
      expectSameBytes([{ name: 'zeros', type: 'DOUBLE_NAN', values: Float64Array.from({ length: rows }, (_, r) => (r % 2 ? 0 : -0)) }], rows, options);
    }
  });

  it("give the bytes of hyparquet-writer for a run's trial columns, an empty table and a point file's metadata", () => {
    const block = createOutcomeBlock(40, 3000, 2);
    for (let i = 0; i < block.strategy.length; i++) block.strategy[i] = random() < 0.2 ? NaN : (random() - 0.4) * 1e8;
    for (let i = 0; i < block.market.length; i++) block.market[i] = random() < 0.05 ? NaN : random() * 1e5;
    const columns = trialsParquetColumns(block, ['stay', 'convert']);
    expect(columns).toHaveLength(1 + MARKET_METRICS.length + 2 * STRATEGY_METRICS.length);
    expectSameBytes(columns, 3000, { metadata: { 'hashpivot.seed': '7' } });
    expectSameBytes([{ name: 'point', type: 'INT32', values: () => 12 }, ...trialsParquetColumns(block, ['stay', 'convert'], 'DOUBLE_NAN')], 3000, { statistics: false });
    const empty = createOutcomeBlock(0, 0, 1);
    expectSameBytes(trialsParquetColumns(empty, ['stay']), 0);
  });

  it('read back in DuckDB: absent values as NULL in nullable columns, NaN kept in REQUIRED ones', async () => {
    const rows = 70_000; // two row groups
    const absent = PATTERNS[4][1];
    const x = doubles(rows, absent);
    const y = doubles(rows, (r) => r % 11 === 0);
    const dir = freshDir();
    const path = join(dir, 't.parquet');
    writeFileSync(
      path,
      bytesOf(
        [
          { name: 'i', type: 'INT32', values: (r) => r },
          { name: 'x', type: 'DOUBLE', values: x },
          { name: 'y', type: 'DOUBLE_NAN', values: y },
        ],
        rows,
      ),
    );
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT i, x, y FROM read_parquet('${path}') ORDER BY i`);
      const read = reader.getRows();
      expect(read).toHaveLength(rows);
      let wrong = 0;
      read.forEach(([i, xr, yr], r) => {
        const xOk = Number.isNaN(x[r]) ? xr === null : Object.is(xr, x[r]);
        const yOk = Number.isNaN(y[r]) ? Number.isNaN(yr) : Object.is(yr, y[r]);
        if (i !== r || !xOk || !yOk) wrong++;
      });
      expect(wrong).toBe(0);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
