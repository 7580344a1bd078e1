// One self-contained HTML page: styles, the charts' Vega-Lite specs as JSON, and vega, vega-lite and
// vega-embed inlined from node_modules, so the file opens from a shared drive or an e-mail with no
// network. The page marks <body data-charts-rendered="N"> once every chart is drawn (or
// data-charts-failed when one could not be), which the browser test waits for.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Chart } from './chartSpecs.js';
import { html, joinHtml, jsonForScript, scriptText, trustedHtml, type Html } from './html.js';

const require = createRequire(import.meta.url);

/** The UMD builds (global `vega`, `vegaLite`, `vegaEmbed`), found beside each package's entry point. */
const LIBRARIES = [
  { name: 'vega', build: 'vega.min.js' },
  { name: 'vega-lite', build: 'vega-lite.min.js' },
  { name: 'vega-embed', build: 'vega-embed.min.js' },
] as const;

let libraryCache: Html | undefined;

function libraryScripts(): Html {
  libraryCache ??= joinHtml(
    LIBRARIES.map(({ name, build }) => {
      const entry = require.resolve(name);
      const path = join(dirname(entry), build);
      return html`<script data-library="${name}">${scriptText(readFileSync(path, 'utf8'))}</script>`;
    }),
    '\n',
  );
  return libraryCache;
}

const STYLE = trustedHtml(`
:root { color-scheme: light; --ink: #1d232a; --muted: #5b6670; --rule: #d9dee3; --bad: #b5433a; --good: #2f7d4f; --panel: #f4f6f8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 20px 28px 60px; overflow-wrap: break-word; }
h1 { font-size: 24px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-top: 8px; border-top: 2px solid var(--rule); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.lead { font-size: 15px; margin: 4px 0; overflow-wrap: anywhere; }
p.meta, .caption, .note { color: var(--muted); }
p.meta { margin: 4px 0; }
.caption { font-size: 12.5px; margin: 2px 0 18px; max-width: 760px; }
ul.sentences li { margin: 6px 0; }
table { border-collapse: collapse; margin: 8px 0 12px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 8px; text-align: right; vertical-align: top; }
th { font-weight: 600; background: var(--panel); }
td.text, th.text { text-align: left; }
/* Wide tables scroll inside themselves; the page never scrolls sideways. */
.scroll { overflow-x: auto; max-width: 100%; }
.scroll > table { margin-top: 0; }
.warn { color: var(--bad); font-weight: 600; }
.good { color: var(--good); }
figure.chart-figure { margin: 12px 0 0; min-width: 0; }
.chart { min-height: 40px; max-width: 100%; overflow: hidden; }
.chart svg { max-width: 100%; height: auto; }
.chart-error { color: var(--bad); }
.side-by-side { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 0 24px; align-items: start; }
.side-by-side > * { min-width: 0; }
details pre { background: var(--panel); padding: 10px; overflow-x: auto; font-size: 12px; white-space: pre-wrap; }
nav { display: flex; flex-wrap: wrap; gap: 2px 12px; margin: 6px 0 0; }
.assumption-groups { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 0 28px; }
.decision { background: var(--panel); border-left: 4px solid #4c78a8; padding: 10px 16px 4px; margin: 14px 0 0; }
.decision h2 { border: 0; margin: 0 0 4px; padding: 0; font-size: 17px; }
.decision p { margin: 6px 0; }
.decision .headline { font-size: 16px; }
.decision table { background: white; }
table.ranking td.text b { white-space: nowrap; }
code { overflow-wrap: anywhere; }
@media (max-width: 640px) { body { padding: 12px 12px 40px; } th, td { padding: 3px 5px; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11.5px; }
  h2 { break-before: page; break-after: avoid; border-top: 0; margin-top: 0; }
  section.keep-with-previous > h2, #decision h2 { break-before: auto; }
  h3 { break-after: avoid; }
  figure.chart-figure, table, .decision { break-inside: avoid; }
  nav, .vega-embed .vega-actions, .vega-embed summary { display: none !important; }
  details > summary { list-style: none; }
  .scroll { overflow: visible; }
  /* Paper cannot scroll: wide tables shrink to the page instead (Chromium would shrink every page). */
  table { font-size: 10px; }
  .decision table { font-size: 11px; }
  th, td { padding: 3px 4px; }
  .decision { border-left-width: 3px; }
  a { color: inherit; text-decoration: none; }
  /* The scenario as run is an appendix for the record: small, in two columns. */
  details > pre { font-size: 7px; line-height: 1.25; column-count: 2; column-gap: 6mm; white-space: pre-wrap; }
}
`);

const RENDER_SCRIPT = trustedHtml(`
(function () {
  var charts = JSON.parse(document.getElementById('hashpivot-charts').textContent);
  var drawn = 0, failed = 0, views = {};
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
  // The specs are drawn at the width of their place in the page (never wider than written), so
  // a chart fits a narrow window or a printed page; the files under charts/ keep the written size.
  function fitted(spec, available) {
    var copy = Object.assign({}, spec);
    if (copy.spec && typeof copy.spec.width === 'number') {
      var columns = copy.columns || 1;
      var inner = Math.floor((available - 90) / columns - (columns > 1 ? 40 : 0));
      copy.spec = Object.assign({}, copy.spec, { width: Math.max(140, Math.min(copy.spec.width, inner)) });
    } else if (typeof copy.width === 'number') {
      copy.width = Math.max(200, Math.min(copy.width + 110, available));
      copy.autosize = { type: 'fit-x', contains: 'padding' };
    }
    return copy;
  }
  function draw(chart, first) {
    var element = document.getElementById('chart-' + chart.name);
    if (typeof vegaEmbed !== 'function') return fail(element, new Error('vega-embed did not load'));
    var available = element.clientWidth || 640;
    chart.drawnAt = available;
    if (views[chart.name]) views[chart.name].finalize();
    vegaEmbed(element, fitted(chart.spec, available), {
      renderer: 'svg',
      actions: { export: true, source: false, compiled: false, editor: false },
      downloadFileName: chart.name
    }).then(function (result) {
      views[chart.name] = result.view;
      if (first) { drawn++; settle(); }
    }, function (error) { if (first) fail(element, error); else console.error(error); });
  }
  charts.forEach(function (chart) { draw(chart, true); });
  settle();
  // Paper cannot click: what the screen folds away (the pairs, the scenario as run) prints open.
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (details) { details.open = true; });
  });
  var pending = null;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      charts.forEach(function (chart) {
        var element = document.getElementById('chart-' + chart.name);
        if (element && Math.abs(element.clientWidth - chart.drawnAt) > 24) draw(chart, false);
      });
    }, 150);
  });
})();
`);

/** A chart's place in the page: title, the element vega-embed draws into, and its caption. */
export function chartFigure(chart: Chart): Html {
  return html`<figure class="chart-figure" id="figure-${chart.name}">
<div class="chart" id="chart-${chart.name}" role="img" aria-label="${chart.title}"></div>
<figcaption class="caption">${chart.caption} <span class="note">Files: charts/${chart.name}.vl.json, .svg, .png.</span></figcaption>
</figure>`;
}

/** The whole page as text: the one place an Html value becomes the string written to a file. */
export function htmlPage(options: { title: string; body: Html; charts: readonly Chart[] }): string {
  const specs = options.charts.map((c) => ({ name: c.name, spec: c.spec }));
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="hashpivot">
<title>${options.title}</title>
<style>${STYLE}</style>
</head>
<body data-charts-expected="${options.charts.length}">
${options.body}
<script type="application/json" id="hashpivot-charts">${jsonForScript(specs)}</script>
${libraryScripts()}
<script>${RENDER_SCRIPT}</script>
</body>
</html>
`.markup;
}
