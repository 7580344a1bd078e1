// The chart files: every Vega-Lite spec compiles (vega-lite compile, then vega parse) without a
// warning, every SVG and PNG exists, is non-empty and has the stated size (PNG = PNG_SCALE x SVG),
// chart data is binned (the report does not grow with the trial count), and vega is loaded only
// when charts are made.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fontsFor, PNG_SCALE, SHIPPED_FONT_RANGES } from '../outputs/chartsRender.js';
import { cli, freshDir, ROOT } from './cliHarness.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const open = svg.slice(0, svg.indexOf('>'));
  return { width: Number(/\bwidth="([\d.]+)"/.exec(open)?.[1]), height: Number(/\bheight="([\d.]+)"/.exec(open)?.[1]) };
}

function run(trials: number) {
  const out = join(freshDir(), 'results');
  const result = cli(['run', 'smoke', '--trials', String(trials), '--seed', '5', '--out', out, '--workers', '0', '--quiet']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return out;
}

describe('chart files', () => {
  const out = run(300);
  const charts = readdirSync(join(out, 'charts'))
    .filter((f) => f.endsWith('.vl.json'))
    .map((f) => f.slice(0, -'.vl.json'.length));

  it('has the fifteen report charts', () => {
    expect(charts.sort()).toEqual(
      ['convergence', 'drivers', 'input-swings', 'tail-anatomy', 'fan-btc-price', 'fan-cash', 'fan-difficulty', 'fan-energy-price', 'fan-hashprice', 'halving-dates', 'npv-cdf', 'npv-difference', 'npv-distribution', 'revenue-per-kwh', 'ruin-over-time'].sort(),
    );
  });

  it('every Vega-Lite spec compiles with vega-lite and parses with vega, without warnings, and renders to the SVG on disk', async () => {
    const vegaLite = await import('vega-lite');
    const vega = await import('vega');
    for (const name of charts) {
      const warnings: string[] = [];
      const logger = vega.logger(vega.Warn, 'warn', (_m, level, args) => warnings.push(`${level} ${args.join(' ')}`));
      const spec = JSON.parse(readFileSync(join(out, 'charts', `${name}.vl.json`), 'utf8'));
      expect(spec.$schema, name).toBe('https://vega.github.io/schema/vega-lite/v6.json');
      const compiled = vegaLite.compile(spec, { logger }).spec;
      const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
      const svg = await view.toSVG();
      view.finalize();
      expect(warnings, name).toEqual([]);
      expect(svg, name).toBe(readFileSync(join(out, 'charts', `${name}.svg`), 'utf8'));
    }
  });

  it('every SVG and PNG is non-empty, and each PNG is PNG_SCALE times its SVG', () => {
    expect(PNG_SCALE).toBe(2);
    for (const name of charts) {
      const svg = readFileSync(join(out, 'charts', `${name}.svg`), 'utf8');
      expect(svg.startsWith('<svg'), name).toBe(true);
      expect(svg).toContain('</svg>');
      const { width, height } = svgSize(svg);
      expect(width, name).toBeGreaterThan(300);
      expect(height, name).toBeGreaterThan(100);
      const png = readFileSync(join(out, 'charts', `${name}.png`));
      expect(png.length, name).toBeGreaterThan(5000); // text and marks, not a blank image
      expect(pngSize(png), name).toEqual({ width: Math.round(width * PNG_SCALE), height: Math.round(height * PNG_SCALE) });
    }
  });

  it('bins the data: ten times the trials give a report of the same size, well under 3 MB', () => {
    const larger = run(3000);
    const small = statSync(join(out, 'report.html')).size;
    const large = statSync(join(larger, 'report.html')).size;
    expect(Math.abs(large - small) / small).toBeLessThan(0.05);
    expect(large).toBeLessThan(3 * 1024 * 1024);
    for (const dir of [out, larger]) {
      for (const name of charts) {
        // At most ~62 bins per histogram, 24 months per band, 201 levels per S-curve, for each of
        // smoke's 4 strategies: hundreds of rows, whatever the trial count.
        const rows = JSON.parse(readFileSync(join(dir, 'charts', `${name}.vl.json`), 'utf8')).data.values.length;
        expect(rows, name).toBeLessThanOrEqual(name === 'npv-cdf' ? 4 * 201 : 300);
      }
    }
  });
});

describe('the shipped fonts (outputs/fonts)', () => {
  /** Dark pixels of each cell of a grid with one character a cell, drawn as the charts' PNGs are. */
  async function darkPixelsPerCell(chars: string[], bold: boolean): Promise<number[]> {
    const { Resvg } = await import('@resvg/resvg-js');
    const columns = 32;
    const cell = 24;
    const width = columns * cell;
    const height = Math.ceil(chars.length / columns) * cell;
    const texts = chars.map((c, i) => `<text x="${(i % columns) * cell + 4}" y="${Math.floor(i / columns) * cell + 18}">${c === '<' ? '&lt;' : c === '&' ? '&amp;' : c}</text>`);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="white"/>` +
      `<g font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="16"${bold ? ' font-weight="bold"' : ''}>${texts.join('')}</g></svg>`;
    const font = fontsFor(svg);
    expect(font.loadSystemFonts).toBe(false);
    const pixels = new Resvg(svg, { font }).render().pixels;
    return chars.map((_c, i) => {
      let dark = 0;
      for (let y = Math.floor(i / columns) * cell; y < (Math.floor(i / columns) + 1) * cell; y++) {
        for (let x = (i % columns) * cell; x < ((i % columns) + 1) * cell; x++) if (pixels[(y * width + x) * 4] < 160) dark++;
      }
      return dark;
    });
  }

  it('draw every code point of SHIPPED_FONT_RANGES (but blanks), regular and bold; a character they lack draws nothing', async () => {
    const chars = SHIPPED_FONT_RANGES.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i)))
      .filter((c) => !/[\p{White_Space}\p{Cf}]/u.test(c));
    expect(chars.length).toBeGreaterThan(850);
    for (const bold of [false, true]) {
      const dark = await darkPixelsPerCell(chars, bold);
      expect(chars.filter((_c, i) => dark[i] === 0), bold ? 'bold' : 'regular').toEqual([]);
    }
    // The bitcoin sign is not in DejaVu Sans: without the machine's fonts resvg draws nothing for it,
    // which is what the check above would catch in a range claimed by mistake.
    const { Resvg } = await import('@resvg/resvg-js');
    const bitcoin = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="white"/><text x="8" y="28" font-family="DejaVu Sans" font-size="24">\u20bf</text></svg>';
    const shipped = fontsFor('<svg/>');
    expect(new Resvg(bitcoin, { font: shipped }).render().pixels.some((v) => v < 160)).toBe(false);
  });

  it('serve an SVG drawn only with them; one with another character, or a character reference, gets the machine\'s fonts', () => {
    const shipped = fontsFor('<svg><text>Mean NPV \u2212$1.2M \u2026 m\u00b2 \u03c3 \u20ac</text></svg>');
    expect(shipped.loadSystemFonts).toBe(false);
    expect(shipped.fontFiles?.map((f) => f.split(/[\\/]/).slice(-3).join('/'))).toEqual(['outputs/fonts/DejaVuSans.ttf', 'outputs/fonts/DejaVuSans-Bold.ttf']);
    expect(fontsFor('<svg><text>\u20bf 1</text></svg>').loadSystemFonts).toBe(true);
    expect(fontsFor('<svg><text>\u4e2d</text></svg>').loadSystemFonts).toBe(true);
    expect(fontsFor('<svg><text>&#x20bf;</text></svg>').loadSystemFonts).toBe(true);
  });
});

describe('vega is loaded only when charts are made', () => {
  it('no module under outputs/ or runners/ imports vega, vega-lite, vega-embed or resvg statically', () => {
    const offenders: string[] = [];
    for (const folder of ['outputs', 'runners']) {
      for (const file of readdirSync(join(ROOT, folder)).filter((f) => f.endsWith('.ts'))) {
        const text = readFileSync(join(ROOT, folder, file), 'utf8');
        // `import type` is erased by the compiler; a value import would load the package with the module.
        for (const m of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'(vega[^']*|@resvg\/resvg-js)'/gm)) offenders.push(`${folder}/${file}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
    const render = readFileSync(join(ROOT, 'outputs', 'chartsRender.ts'), 'utf8');
    expect(render).toContain("import('vega')");
    expect(render).toContain("import('vega-lite')");
  });
});
