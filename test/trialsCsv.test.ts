import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MARKET_METRICS,
  STRATEGY_METRICS,
  createOutcomeBlock,
  marketColumn,
  strategyColumn,
  type OutcomeBlock,
} from '../engine/outcomes.js';
import { trialsCsv, trialsCsvHeader, writeTrialsCsv } from '../outputs/trialsCsv.js';
import { writeTrialsFileOnThread } from '../outputs/trialsFileThread.js';
import { writeTrialsParquet } from '../outputs/parquet.js';
import { freshDir } from './cliHarness.js';
import { mulberry32 } from './mulberry32.js';


/** Doubles from random bit patterns (every exponent, subnormals, ±0, ±Infinity possible) and NaN. */
function fillWithRandomBits(target: Float64Array, seed: number): void {
  const next = mulberry32(seed);
  const words = new Uint32Array(target.buffer, target.byteOffset, target.length * 2);
  for (let i = 0; i < words.length; i++) words[i] = next();
}

/** RFC 4180 reader for one line without embedded line breaks: enough to check the header. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let text = '';
      i++;
      for (;;) {
        const end = line.indexOf('"', i);
        text += line.slice(i, end);
        i = end + 1;
        if (line[i] === '"') {
          text += '"';
          i++;
        } else break;
      }
      fields.push(text);
      i++; // the comma
    } else {
      const end = line.indexOf(',', i) === -1 ? line.length : line.indexOf(',', i);
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

const cellToNumber = (cell: string) => (cell === '' ? NaN : Number(cell));

function smallBlock(): OutcomeBlock {
  const block = createOutcomeBlock(10, 3, 2);
  marketColumn(block, 'nextHalvingMonth').set([17.25, NaN, 3]);
  marketColumn(block, 'finalPriceUsd').set([95_000, 120_000.5, 1e21]);
  marketColumn(block, 'finalDifficulty').set([1.2e14, 9e15, 0.1]);
  strategyColumn(block, 0, 'npvUsd').set([-1_500_000, 2_000_000, -0]);
  strategyColumn(block, 0, 'irr').set([NaN, 0.125, 1 / 3]);
  strategyColumn(block, 1, 'npvUsd').set([5, 6, 7]);
  strategyColumn(block, 1, 'ruined').set([0, 1, 0]);
  strategyColumn(block, 1, 'revenueUsdPerKwh').set([0.1 + 0.2, 1e-7, 5e-324]);
  return block;
}

describe('trialsCsv header', () => {
  it('is trial, the market metrics, then <strategy>.<metric> for every strategy metric', () => {
    const header = trialsCsvHeader(['keep', 'ai']);
    const expected = [
      'trial',
      'nextHalvingMonth',
      'finalPriceUsd',
      'finalDifficulty',
      'aiWinterMonths',
      'meanPriceUsd',
      'meanHashpriceUsdPerPhDay',
      'meanEnergyUsdPerMwh',
      'meanFeesBtcPerBlock',
      'meanAiDemandIndex',
      'finalAiDemandIndex',
      ...STRATEGY_METRICS.map((m) => `keep.${m}`),
      ...STRATEGY_METRICS.map((m) => `ai.${m}`),
    ];
    expect(header).toBe(expected.join(',') + '\n');
    expect(header.startsWith('trial,nextHalvingMonth,finalPriceUsd,finalDifficulty,aiWinterMonths,')).toBe(true);
  });

  it('quotes hostile strategy names per RFC 4180 and they parse back', () => {
    const names = ['keep mining', 'convert "AI", phase 1', 'plain', 'line\nbreak'];
    const header = trialsCsvHeader(names);
    expect(header).toContain(',"convert ""AI"", phase 1.npvUsd",');
    expect(header).toContain(',keep mining.npvUsd,');
    expect(header).toContain(',"line\nbreak.irr",');
    const withoutBreakName = trialsCsvHeader(names.slice(0, 3)).trimEnd();
    const fields = parseCsvLine(withoutBreakName);
    expect(fields).toHaveLength(1 + MARKET_METRICS.length + 3 * STRATEGY_METRICS.length);
    expect(fields[1 + MARKET_METRICS.length + STRATEGY_METRICS.length]).toBe('convert "AI", phase 1.npvUsd');
  });
});

describe('trialsCsv rows', () => {
  const csv = trialsCsv(smallBlock(), ['keep', 'ai']);
  const lines = csv.split('\n');

  it('has a header, one row per trial in order, and a final newline', () => {
    expect(lines).toHaveLength(1 + 3 + 1);
    expect(lines[4]).toBe('');
    expect(lines.slice(1, 4).map((l) => l.split(',')[0])).toEqual(['10', '11', '12']);
  });

  it('writes exact cells: shortest round-trip numbers, integers without decimals, NaN empty', () => {
    const width = 1 + MARKET_METRICS.length + 2 * STRATEGY_METRICS.length;
    const rows = lines.slice(1, 4).map((l) => l.split(','));
    for (const row of rows) expect(row).toHaveLength(width);
    const col = (name: string) => lines[0].split(',').indexOf(name);
    expect(rows.map((r) => r[col('nextHalvingMonth')])).toEqual(['17.25', '', '3']);
    expect(rows.map((r) => r[col('finalPriceUsd')])).toEqual(['95000', '120000.5', '1e+21']);
    expect(rows.map((r) => r[col('finalDifficulty')])).toEqual(['120000000000000', '9000000000000000', '0.1']);
    expect(rows.map((r) => r[col('keep.npvUsd')])).toEqual(['-1500000', '2000000', '-0']);
    expect(rows.map((r) => r[col('keep.irr')])).toEqual(['', '0.125', '0.3333333333333333']);
    expect(rows.map((r) => r[col('ai.ruined')])).toEqual(['0', '1', '0']);
    expect(rows.map((r) => r[col('ai.revenueUsdPerKwh')])).toEqual(['0.30000000000000004', '1e-7', '5e-324']);
  });

  it('rejects a name list that does not match the block', () => {
    expect(() => trialsCsv(smallBlock(), ['only one'])).toThrow(/1 strategy names for a block of 2/);
  });
});

describe('trialsCsv round trip', () => {
  it('parses back with Number to the same doubles, bit for bit (NaN as empty)', () => {
    const block = createOutcomeBlock(1000, 2000, 3);
    fillWithRandomBits(block.strategy, 1);
    fillWithRandomBits(block.market, 2);
    // Random bit patterns rarely hit these; put them in explicitly.
    block.strategy.set([0, -0, Infinity, -Infinity, NaN, Number.MIN_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2]);
    const csv = trialsCsv(block, ['a', 'b', 'c']);
    const rows = csv.trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(block.trialCount);
    const n = block.trialCount;
    const strategyColumns = block.strategyCount * STRATEGY_METRICS.length;
    let compared = 0;
    let matched = 0;
    rows.forEach((line, t) => {
      const cells = line.split(',');
      expect(Number(cells[0])).toBe(block.firstTrial + t);
      for (let c = 0; c < MARKET_METRICS.length; c++) {
        // Object.is distinguishes -0 from 0 and equates NaN with NaN: bitwise equality for doubles
        // except NaN payloads, which CSV cannot carry (absent is absent).
        if (Object.is(cellToNumber(cells[1 + c]), block.market[c * n + t])) matched++;
        compared++;
      }
      for (let c = 0; c < strategyColumns; c++) {
        if (Object.is(cellToNumber(cells[1 + MARKET_METRICS.length + c]), block.strategy[c * n + t])) matched++;
        compared++;
      }
    });
    expect(compared).toBe(n * (MARKET_METRICS.length + strategyColumns));
    expect(matched).toBe(compared);
  });

  it('is byte-reproducible: the same block gives the same text', () => {
    const make = () => {
      const block = createOutcomeBlock(0, 500, 2);
      fillWithRandomBits(block.strategy, 5);
      fillWithRandomBits(block.market, 6);
      return trialsCsv(block, ['x', 'y']);
    };
    expect(make()).toBe(make());
  });
});

describe('writeTrialsCsv (streaming)', () => {
  const block = createOutcomeBlock(0, 6_000, 3);
  fillWithRandomBits(block.strategy, 8);
  fillWithRandomBits(block.market, 9);
  const names = ['keep mining', 'AI, "hosted"', 'hybrid'];
  const whole = trialsCsv(block, names);

  it('emits ~1 MB chunks that end on row boundaries and concatenate to trialsCsv', () => {
    const chunks: string[] = [];
    writeTrialsCsv(block, names, (chunk) => chunks.push(chunk));
    expect(whole.length).toBeGreaterThan(3 * 2 ** 20);
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(2 ** 20);
      expect(chunk.length).toBeLessThan(2 ** 20 + 2000); // at most one row past the mark
    }
    for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
    expect(chunks.join('')).toBe(whole);
  });

  it('gives the same text whatever the chunk size', () => {
    for (const chunkChars of [1, 777, 100_000]) {
      const chunks: string[] = [];
      writeTrialsCsv(block, names, (chunk) => chunks.push(chunk), chunkChars);
      expect(chunks.join('')).toBe(whole);
    }
  });

  it('writes only the header for an empty block', () => {
    const chunks: string[] = [];
    writeTrialsCsv(createOutcomeBlock(0, 0, 1), ['s'], (chunk) => chunks.push(chunk));
    expect(chunks).toEqual([trialsCsvHeader(['s'])]);
  });
});

describe('writeTrialsFileOnThread (a run writes trials.csv and trials.parquet beside its other files)', () => {
  it('writes the same bytes as trialsCsv and writeTrialsParquet, reading the shared outcome arrays', async () => {
    const block = createOutcomeBlock(0, 2_000, 2, true);
    expect(block.strategy.buffer).toBeInstanceOf(SharedArrayBuffer);
    fillWithRandomBits(block.strategy, 10);
    fillWithRandomBits(block.market, 11);
    const path = join(freshDir(), 'trials.csv');
    await writeTrialsFileOnThread({ block, strategyNames: ['a', 'b'], path, format: { kind: 'csv' } }).done;
    expect(readFileSync(path, 'utf8')).toBe(trialsCsv(block, ['a', 'b']));
    const parquet = join(freshDir(), 'trials.parquet');
    const metadata = { 'hashpivot.seed': '7' };
    await writeTrialsFileOnThread({ block, strategyNames: ['a', 'b'], path: parquet, format: { kind: 'parquet', metadata } }).done;
    const chunks: Uint8Array[] = [];
    writeTrialsParquet(block, ['a', 'b'], (chunk) => chunks.push(chunk.slice()), metadata);
    expect(readFileSync(parquet).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('fails with the reason when the file cannot be written', async () => {
    const path = join(freshDir(), 'no', 'such', 'folder', 'trials.csv');
    const thread = writeTrialsFileOnThread({ block: createOutcomeBlock(0, 10, 1), strategyNames: ['s'], path, format: { kind: 'csv' } });
    await expect(thread.done).rejects.toThrow(/writing trials.csv failed: ENOENT/);
  });
});
