// Charts to files: Vega-Lite spec -> Vega (vega-lite compile) -> SVG (vega's headless View, no
// browser or canvas) -> PNG (resvg). vega, vega-lite and resvg are imported here, dynamically, and
// only when charts are made: importing vega costs ~300 ms, which `validate`, `presets` and library
// users should not pay.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../scenarios/packageRoot.js';
import type { Chart } from './chartSpecs.js';

/** PNGs are drawn at twice the SVG's size, sharp enough for slides and print. */
export const PNG_SCALE = 2;

/**
 * Code points the shipped fonts (outputs/fonts: subsets of DejaVu Sans and DejaVu Sans Bold) draw,
 * inclusive ranges: the subsets' own, every one with a glyph in both.
 */
export const SHIPPED_FONT_RANGES: readonly (readonly [number, number])[] = [
  [0x20, 0x7e], [0xa0, 0x17f], [0x391, 0x3a1], [0x3a3, 0x3a9], [0x3b1, 0x3c9], [0x2010, 0x2027],
  [0x2030, 0x205e], [0x20ac, 0x20ac], [0x2190, 0x21ff], [0x2200, 0x22ff], [0x25a0, 0x25ff],
];

const hex = (codePoint: number) => `\\u{${codePoint.toString(16)}}`;
/** Whitespace, then anything the shipped fonts draw: an SVG made only of these needs no other font. */
const DRAWN_BY_SHIPPED_FONTS = new RegExp(`^[\\t\\n\\r${SHIPPED_FONT_RANGES.map(([from, to]) => `${hex(from)}-${hex(to)}`).join('')}]*$`, 'u');

type FontOptions = { loadSystemFonts: boolean; fontFiles?: string[]; defaultFontFamily: string; sansSerifFamily: string };

const SYSTEM_FONTS: FontOptions = { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' };

/** The shipped fonts' options, or null in an install without them (the machine's fonts draw then). */
let shippedFonts: FontOptions | null | undefined;

function shipped(): FontOptions | null {
  if (shippedFonts !== undefined) return shippedFonts;
  const fontFiles = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => join(packageRoot(), 'outputs', 'fonts', file));
  shippedFonts = fontFiles.every((file) => existsSync(file)) ? { loadSystemFonts: false, fontFiles, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' } : null;
  return shippedFonts;
}

/**
 * resvg's fonts for one SVG: the shipped DejaVu Sans subsets alone (the same PNG on any machine, and
 * resvg, which reads a font file again for every run of text, reads ~110 kB, not ~740 kB), or, for
 * an SVG with a character they lack, the machine's fonts, as resvg finds them.
 */
export function fontsFor(svg: string): FontOptions {
  // A character reference (&#...;) may stand for any character: not worth decoding to find out.
  if (svg.includes('&#') || !DRAWN_BY_SHIPPED_FONTS.test(svg)) return SYSTEM_FONTS;
  return shipped() ?? SYSTEM_FONTS;
}

export interface RenderedChart {
  name: string;
  vegaLite: string;
  svg: string;
  png: Uint8Array;
  /** SVG size in CSS pixels; the PNG is PNG_SCALE times this. */
  width: number;
  height: number;
  /** What vega-lite and vega logged while compiling and rendering (warnings are bugs in a spec). */
  warnings: string[];
}

function svgSize(svg: string): { width: number; height: number } {
  const open = svg.slice(0, svg.indexOf('>'));
  const width = Number(/\bwidth="([\d.]+)"/.exec(open)?.[1]);
  const height = Number(/\bheight="([\d.]+)"/.exec(open)?.[1]);
  if (!(width > 0 && height > 0)) throw new Error(`vega produced an SVG without a size: ${open}`);
  return { width, height };
}

/** The spec file as written to charts/NAME.vl.json: pretty-printed, loadable in the Vega editor. */
export function vegaLiteText(chart: Chart): string {
  return `${JSON.stringify(chart.spec, null, 2)}\n`;
}

let libraries: Promise<[typeof import('vega'), typeof import('vega-lite'), typeof import('@resvg/resvg-js')]> | null = null;

/**
 * Starts importing the chart libraries (~300 ms) without waiting: a run calls it before its
 * trials, so the import overlaps work the worker threads do anyway.
 */
export function preloadChartLibraries(): Promise<unknown> {
  libraries ??= Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
  return libraries;
}

export async function renderCharts(charts: readonly Chart[]): Promise<RenderedChart[]> {
  await preloadChartLibraries();
  const [vega, vegaLite, { renderAsync }] = await (libraries as NonNullable<typeof libraries>);
  const rendered: Omit<RenderedChart, 'png'>[] = [];
  // PNGs are rasterised on libuv's thread pool while this thread draws the next chart's SVG.
  const pngs: Promise<Uint8Array>[] = [];
  for (const chart of charts) {
    const warnings: string[] = [];
    const logger = vega.logger(vega.Warn, 'warn', (_method, level, args) => {
      warnings.push(`${chart.name}: ${level} ${args.map(String).join(' ')}`);
    });
    const compiled = vegaLite.compile(chart.spec, { logger }).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
    let svg: string;
    try {
      svg = await view.toSVG();
    } finally {
      view.finalize();
    }
    const { width, height } = svgSize(svg);
    pngs.push(renderAsync(svg, { fitTo: { mode: 'zoom', value: PNG_SCALE }, font: fontsFor(svg), background: 'white' }).then((image) => image.asPng()));
    rendered.push({ name: chart.name, vegaLite: vegaLiteText(chart), svg, width, height, warnings });
  }
  const images = await Promise.all(pngs);
  return rendered.map((chart, i) => ({ ...chart, png: images[i] }));
}
