// trials.parquet and paths.parquet: typed columns (trial INT32, outcomes DOUBLE with nulls), and
// every value equal to the CSV written beside it. Read back with hyparquet, independently of the
// readParquet helper the report uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { readParquet, writeParquet, type ParquetWriteOptions } from '../outputs/parquet.js';
import { cli, freshDir } from './cliHarness.js';

function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trimEnd().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/** A CSV cell and a Parquet value are the same number (bit for bit, -0 included), or both absent. */
function sameValue(cell: string, value: unknown): boolean {
  if (cell === '') return value === null;
  return typeof value === 'number' && Object.is(Number(cell), value);
}

async function columnTypes(path: string) {
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path));
  return {
    metadata,
    types: Object.fromEntries(parquetSchema(metadata).children.map((c) => [c.element.name, `${c.element.type}/${c.element.repetition_type}`])),
  };
}

describe('trials.parquet', () => {
  const out = join(freshDir(), 'results');
  const run = cli(['run', 'smoke', '--trials', '300', '--seed', '11', '--out', out, '--workers', '0', '--quiet']);

  it('has the columns of trials.csv: trial INT32, every outcome DOUBLE and nullable', async () => {
    expect(run.status).toBe(0);
    const { header } = parseCsv(readFileSync(join(out, 'trials.csv'), 'utf8'));
    const { metadata, types } = await columnTypes(join(out, 'trials.parquet'));
    expect(Object.keys(types)).toEqual(header);
    expect(types.trial).toBe('INT32/REQUIRED');
    for (const name of header.slice(1)) expect(types[name], name).toBe('DOUBLE/OPTIONAL');
    expect(Number(metadata.num_rows)).toBe(300);
    const kv = Object.fromEntries((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value]));
    expect(kv['hashpivot.seed']).toBe('11');
    expect(kv['hashpivot.scenario']).toBe('smoke');
  });

  it('round-trips: every value equals trials.csv, absent values are nulls', async () => {
    const { header, rows } = parseCsv(readFileSync(join(out, 'trials.csv'), 'utf8'));
    const records = await parquetReadObjects({ file: await asyncBufferFromFile(join(out, 'trials.parquet')) });
    expect(records).toHaveLength(rows.length);
    let nulls = 0;
    let mismatches = 0;
    rows.forEach((row, t) => {
      header.forEach((name, c) => {
        if (!sameValue(row[c], records[t][name])) mismatches++;
        if (records[t][name] === null) nulls++;
      });
    });
    expect(mismatches).toBe(0);
    expect(nulls).toBeGreaterThan(0); // smoke has trials without an IRR or a payback
  });

  it('paths.parquet holds the same table as paths.csv', async () => {
    const { header, rows } = parseCsv(readFileSync(join(out, 'paths.csv'), 'utf8'));
    const { types } = await columnTypes(join(out, 'paths.parquet'));
    expect(types).toEqual({
      month: 'INT32/REQUIRED',
      date: 'BYTE_ARRAY/OPTIONAL',
      series: 'BYTE_ARRAY/OPTIONAL',
      p5: 'DOUBLE/OPTIONAL',
      p25: 'DOUBLE/OPTIONAL',
      p50: 'DOUBLE/OPTIONAL',
      p75: 'DOUBLE/OPTIONAL',
      p95: 'DOUBLE/OPTIONAL',
      mean: 'DOUBLE/OPTIONAL',
    });
    const records = await parquetReadObjects({ file: await asyncBufferFromFile(join(out, 'paths.parquet')) });
    expect(records).toHaveLength(rows.length);
    rows.forEach((row, r) => {
      expect(records[r].month).toBe(Number(row[0]));
      expect(records[r].date).toBe(row[1]);
      expect(records[r].series).toBe(row[2]);
      header.slice(3).forEach((q, i) => expect(sameValue(row[3 + i], records[r][q]), `${r} ${q}`).toBe(true));
    });
  });
});

describe('writeParquet', () => {
  const n = 70_000; // more than one 65,536-row group
  const special = [0, -0, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, 0.1 + 0.2, -1e-300, NaN];
  const x = (r: number) => (r < special.length ? special[r] : Math.sin(r) * 10 ** (r % 30));
  const xColumn = Float64Array.from({ length: n }, (_, r) => x(r));
  const bytesOf = (values: ((r: number) => number) | Float64Array, options: ParquetWriteOptions) => {
    const chunks: Uint8Array[] = [];
    writeParquet(
      [
        { name: 'i', type: 'INT32', values: (r) => r },
        { name: 'x', type: 'DOUBLE', values },
      ],
      n,
      (chunk) => chunks.push(chunk.slice()),
      options,
    );
    expect(chunks.length).toBeGreaterThan(0);
    return Buffer.concat(chunks);
  };

  it.each<[string, ((r: number) => number) | Float64Array, ParquetWriteOptions]>([
    ['as a function, with statistics and Snappy', x, {}],
    ['as a Float64Array (one row group with a NaN, one without)', xColumn, {}],
    ['without statistics (a study point file)', xColumn, { statistics: false }],
  ])('keeps special doubles bit for bit, writes NaN as null, and splits large tables into row groups: %s', async (_, values, options) => {
    const path = join(freshDir(), 't.parquet');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, bytesOf(values, { ...options, metadata: { note: 'test' } }));
    const table = await readParquet(path);
    expect(table.rowCount).toBe(n);
    expect(table.metadata.note).toBe('test');
    const i = table.columns.get('i') as Float64Array;
    const xs = table.columns.get('x') as Float64Array;
    let bad = 0;
    for (let r = 0; r < n; r++) if (i[r] !== r || !Object.is(xs[r], x(r))) bad++;
    expect(bad).toBe(0);
    const { metadata } = await columnTypes(path);
    expect(metadata.row_groups.length).toBe(2);
    const chunk = metadata.row_groups[0].columns[1].meta_data!;
    expect(chunk.codec).toBe('SNAPPY');
    expect(chunk.statistics === undefined).toBe(options.statistics === false);
    const raw = await parquetReadObjects({ file: await asyncBufferFromFile(path), rowStart: 8, rowEnd: 9 });
    expect(raw[0].x).toBeNull(); // NaN is written as null
  });

  it('writes the same bytes from a Float64Array as from a function of the row', () => {
    expect(bytesOf(xColumn, {}).equals(bytesOf(x, {}))).toBe(true);
  });

  it('a file whose footer reads but whose pages are damaged is refused naming the file', async () => {
    const path = join(freshDir(), 'damaged.parquet');
    const bytes = bytesOf(xColumn, {});
    bytes.fill(0, 4, 4 + 20_000); // the first pages' headers, the footer intact
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, bytes);
    await expect(readParquet(path)).rejects.toThrow(`${path} is not a readable Parquet file (`);
  });
});
