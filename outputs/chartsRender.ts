// Charts to files: Vega-Lite spec -> Vega (vega-lite compile) -> SVG (vega's headless View, no
// browser or canvas) -> PNG (resvg). vega, vega-lite and resvg are imported here, dynamically, and
// only when charts are made: importing vega costs ~300 ms, which `validate`, `presets` and library
// users should not pay.
import type { Chart } from './chartSpecs.js';

/** PNGs are drawn at twice the SVG's size, sharp enough for slides and print. */
export const PNG_SCALE = 2;

/** resvg needs real fonts for text; DejaVu Sans ships with Debian (fonts-dejavu-core). */
const FONT_OPTIONS = { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' };

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
    pngs.push(renderAsync(svg, { fitTo: { mode: 'zoom', value: PNG_SCALE }, font: FONT_OPTIONS, background: 'white' }).then((image) => image.asPng()));
    rendered.push({ name: chart.name, vegaLite: vegaLiteText(chart), svg, width, height, warnings });
  }
  const images = await Promise.all(pngs);
  return rendered.map((chart, i) => ({ ...chart, png: images[i] }));
}
