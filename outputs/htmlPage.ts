// One self-contained HTML page: styles, the charts' Vega-Lite specs as JSON, and vega, vega-lite and
// vega-embed inlined from node_modules, so the file opens from a shared drive or an e-mail with no
// network. The page marks <body data-charts-rendered="N"> once every chart is drawn (or
// data-charts-failed when one could not be), which the browser test waits for.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Chart } from './chartSpecs.js';
import { escapeHtml, jsonForScript, scriptText } from './html.js';

const require = createRequire(import.meta.url);

/** The UMD builds (global `vega`, `vegaLite`, `vegaEmbed`), found beside each package's entry point. */
const LIBRARIES = [
  { name: 'vega', build: 'vega.min.js' },
  { name: 'vega-lite', build: 'vega-lite.min.js' },
  { name: 'vega-embed', build: 'vega-embed.min.js' },
] as const;

let libraryCache: string[] | undefined;

function libraryScripts(): string[] {
  libraryCache ??= LIBRARIES.map(({ name, build }) => {
    const entry = require.resolve(name);
    const path = join(dirname(entry), build);
    return `<script data-library="${name}">${scriptText(readFileSync(path, 'utf8'))}</script>`;
  });
  return libraryCache;
}

const STYLE = `
:root { color-scheme: light; --ink: #1d232a; --muted: #5b6670; --rule: #d9dee3; --bad: #b5433a; --good: #2f7d4f; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px 28px 60px; }
h1 { font-size: 24px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 36px 0 8px; padding-top: 8px; border-top: 2px solid var(--rule); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.lead { font-size: 15px; margin: 4px 0; overflow-wrap: anywhere; }
p.meta, .caption, .note { color: var(--muted); }
.caption { font-size: 12.5px; margin: 2px 0 18px; max-width: 760px; }
ul.sentences li { margin: 6px 0; }
table { border-collapse: collapse; margin: 8px 0 12px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 8px; text-align: right; vertical-align: top; }
th { font-weight: 600; background: #f4f6f8; }
td.text, th.text { text-align: left; }
.scroll { overflow-x: auto; }
.warn { color: var(--bad); font-weight: 600; }
.chart { margin: 12px 0 0; min-height: 40px; }
.chart-error { color: var(--bad); }
details pre { background: #f4f6f8; padding: 10px; overflow-x: auto; font-size: 12px; }
nav a { margin-right: 12px; }
.assumption-groups { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 0 28px; }
@media print { body { max-width: none; } h2 { break-before: auto; } .chart, table, figure { break-inside: avoid; } nav, .vega-actions { display: none; } }
`;

const RENDER_SCRIPT = `
(function () {
  var charts = JSON.parse(document.getElementById('hashpivot-charts').textContent);
  var drawn = 0, failed = 0;
  function settle() {
    if (drawn + failed < charts.length) return;
    document.body.setAttribute('data-charts-rendered', String(drawn));
    if (failed) document.body.setAttribute('data-charts-failed', String(failed));
  }
  function fail(element, error) {
    failed++;
    element.className += ' chart-error';
    element.textContent = 'This chart could not be drawn: ' + (error && error.message ? error.message : String(error));
    console.error(error);
    settle();
  }
  charts.forEach(function (chart) {
    var element = document.getElementById('chart-' + chart.name);
    if (typeof vegaEmbed !== 'function') return fail(element, new Error('vega-embed did not load'));
    vegaEmbed(element, chart.spec, {
      renderer: 'svg',
      actions: { export: true, source: false, compiled: false, editor: false },
      downloadFileName: chart.name
    }).then(function () { drawn++; settle(); }, function (error) { fail(element, error); });
  });
  settle();
})();
`;

/** A chart's place in the page: title, the element vega-embed draws into, and its caption. */
export function chartFigure(chart: Chart): string {
  return `<figure class="chart-figure" id="figure-${escapeHtml(chart.name)}">
<div class="chart" id="chart-${escapeHtml(chart.name)}" role="img" aria-label="${escapeHtml(chart.title)}"></div>
<figcaption class="caption">${escapeHtml(chart.caption)} <span class="note">Files: charts/${escapeHtml(chart.name)}.vl.json, .svg, .png.</span></figcaption>
</figure>`;
}

export function htmlPage(options: { title: string; body: string; charts: readonly Chart[] }): string {
  const specs = options.charts.map((c) => ({ name: c.name, spec: c.spec }));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="hashpivot">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
</head>
<body data-charts-expected="${options.charts.length}">
${options.body}
<script type="application/json" id="hashpivot-charts">${jsonForScript(specs)}</script>
${libraryScripts().join('\n')}
<script>${RENDER_SCRIPT}</script>
</body>
</html>
`;
}
