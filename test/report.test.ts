// The report files of a run, `hashpivot report DIR` and `hashpivot compare A B`, end to end on the
// compiled CLI with the small `smoke` preset. The browser rendering is in reportBrowser.test.ts.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meanMoves, type CompareInputs } from '../outputs/compare.js';
import { decide } from '../outputs/decision.js';
import { escapeHtml, jsonForScript } from '../outputs/html.js';
import { formatShare, formatUsdM } from '../outputs/reportText.js';
import { cli, freshDir, ROOT } from './cliHarness.js';

const CHARTS = [
  'npv-distribution',
  'npv-cdf',
  'npv-difference',
  'input-swings',
  'convergence',
  'tail-anatomy',
  'drivers',
  'revenue-per-kwh',
  'fan-btc-price',
  'fan-hashprice',
  'fan-difficulty',
  'fan-energy-price',
  'fan-cash',
  'halving-dates',
  'ruin-over-time',
];
const HOSTILE_NAME = '<script>alert(1)</script>';
const HOSTILE_DESCRIPTION = '</script><img src=x onerror=alert(2)> & "quoted" \u2028';

function runSmoke(out: string, extra: string[] = [], scenario = 'smoke') {
  // The defaults a caller's flags do not replace (a flag given twice is refused).
  const defaults = [['--trials', '300'], ['--seed', '7'], ['--workers', '0']].filter(([flag]) => !extra.includes(flag)).flat();
  const result = cli(['run', scenario, ...defaults, '--out', out, '--quiet', ...extra]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result;
}

/** The smoke preset with hostile text in every free-text field a report shows. */
export function hostileScenario(dir: string): string {
  const smoke = readFileSync(join(ROOT, 'scenarios', 'presets', 'smoke.yaml'), 'utf8');
  const text = smoke
    .replace(/^name: .*$/m, `name: ${JSON.stringify(HOSTILE_NAME)}`)
    .replace(/^description: .*$/m, `description: ${JSON.stringify(HOSTILE_DESCRIPTION)}`)
    .replace(/^    note: .*$/m, `    note: ${JSON.stringify('<b>bold</b></script><!--')}`);
  const path = join(dir, 'hostile.yaml');
  writeFileSync(path, text);
  return path;
}

/** The page without the inlined libraries (whose code mentions <img>, URLs and the like in strings). */
function ownMarkup(html: string): string {
  return html.replace(/<script data-library="[^"]+">[\s\S]*?<\/script>/g, '<script data-library></script>');
}

/** The files in a folder, hashpivot's own .hashpivot/ (the manifest) left out. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir).filter((name) => name !== '.hashpivot').flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`]));
}

describe('hashpivot run writes the report files', () => {
  const out = join(freshDir(), 'results');
  runSmoke(out);
  const html = readFileSync(join(out, 'report.html'), 'utf8');

  it('writes report.html, trials.parquet, paths.csv/parquet and every chart as .vl.json, .svg and .png, all or nothing', () => {
    const expected = ['summary.json', 'trials.csv', 'trials.parquet', 'paths.csv', 'paths.parquet', 'report.html', ...CHARTS.flatMap((c) => [`charts/${c}.vl.json`, `charts/${c}.svg`, `charts/${c}.png`])];
    expect(filesUnder(out).sort()).toEqual(expected.sort());
  });

  it('is one self-contained page: vega, vega-lite and vega-embed inlined, nothing loaded from elsewhere', () => {
    for (const library of ['vega', 'vega-lite', 'vega-embed']) expect(html).toContain(`<script data-library="${library}">`);
    const own = ownMarkup(html);
    expect(own).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(own).not.toMatch(/<link\b/i);
    expect(own).not.toMatch(/<img\b/i);
    expect(html).toContain(`data-charts-expected="${CHARTS.length}"`);
    for (const c of CHARTS) expect(html).toContain(`id="chart-${c}"`);
    expect(statSync(join(out, 'report.html')).size).toBeLessThan(3 * 1024 * 1024);
  });

  it('shows the assumptions, the strategy table, a sentence per pair against stay, and revenue per kWh', () => {
    expect(html).toContain('<p class="meta" id="cover-line">Scenario smoke · as of 2025-11 · horizon 24 months · 300 trials · seed 7 · hashpivot');
    for (const label of ['BTC price', 'Conversion capex', 'Lease rate', 'Discount rate']) expect(html).toContain(label);
    for (const name of ['stay', 'convert-now', 'hybrid-50', 'trigger-30']) expect(html).toContain(`data-strategy="${name}"`);
    for (const column of ['mean NPV ± SE', 'p5 NPV', 'p50 NPV', 'p95 NPV', 'mean of worst 5%', 'P(NPV&lt;0)', 'P(runs out of cash)', 'peak funding need, median', 'new money needed, median', 'IRR median', 'payback median', 'revenue $/kWh median']) {
      expect(html).toContain(column);
    }
    expect(html.replace(/<script[\s\S]*?<\/script>/g, '')).not.toContain('VaR'); // the 5th percentile is called what it is
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const pair = summary.pairs.find((p: { a: string; b: string }) => p.a === 'stay' && p.b === 'convert-now');
    const beats = formatShare(1 - pair.npvUsd.pABeatsB);
    expect(html).toContain(`Converting 100% in month 0 (convert-now) beats staying and mining (stay) in ${beats} of futures; its 5% worst case is `);
    expect(html).toMatch(/Median revenue per kWh: stay \$\d\.\d{3}; convert-now \$\d\.\d{3} \(\d+\.\dx\)/);
  });

  it('says beside each mean NPV how much of it is the terminal value, the mean of the trials\' own terminal column, and in the decision for the top two', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const lines = readFileSync(join(out, 'trials.csv'), 'utf8').trimEnd().split('\n');
    const header = lines[0].split(',');
    for (const s of summary.strategies as { name: string; metrics: Record<string, { mean: number }> }[]) {
      const column = header.indexOf(`${s.name}.terminalPvUsd`);
      expect(column).toBeGreaterThan(0);
      const values = lines.slice(1).map((line) => Number(line.split(',')[column]));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      expect(Math.abs(s.metrics.terminalPvUsd.mean - mean)).toBeLessThanOrEqual(1e-9 * Math.abs(mean) + 1e-6);
      const npv = s.metrics.npvUsd.mean;
      const share = npv > 0 && mean >= 0 && mean <= npv ? ` (${formatShare(mean / npv)})` : ` (the horizon's months alone ${formatUsdM(npv - mean)})`;
      expect(html).toMatch(new RegExp(`<tr data-strategy="${s.name}">\\s*<td class="text"><b>${s.name}</b></td>\\s*<td>[^<]*</td>\\s*<td>${formatUsdM(mean).replace('$', '\\$')}${share.replace(/[()$]/g, '\\$&').replace("'", '&#39;')}</td>`));
    }
    const horizon = html.match(/<p id="decision-horizon">(.*?)<\/p>/)![1];
    expect(horizon).toContain('the site as valued at the end of the 24-month horizon (terminalValue.method byCashFlow), in the mean NPV: ');
    // Whether the leader leads on the horizon's months alone: the means of NPV less terminal value.
    const decision = decide(summary);
    const [ahead, behind] = decision.ranked.slice(0, 2).map((r) => summary.strategies.find((s: { name: string }) => s.name === r.name));
    const within = (s: { metrics: Record<string, { mean: number }> }) => s.metrics.npvUsd.mean - s.metrics.terminalPvUsd.mean;
    const lead = within(ahead) - within(behind);
    expect(horizon).toContain(lead > 0 ? `On the horizon&#39;s months alone ${ahead.name} still leads ${behind.name}, by ${formatUsdM(lead)}` : `On the horizon&#39;s months alone ${behind.name} would lead, by ${formatUsdM(-lead)}`);
  });

  it('a summary.json written before the terminal value was recorded still makes a report, with the terminal value left out', () => {
    const older = freshDir();
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const s of summary.strategies) delete s.metrics.terminalPvUsd;
    summary.engine.version = '0.1.0';
    writeFileSync(join(older, 'summary.json'), JSON.stringify(summary));
    const lines = readFileSync(join(out, 'trials.csv'), 'utf8').trimEnd().split('\n');
    const keep = lines[0].split(',').flatMap((name, i) => (name.endsWith('.terminalPvUsd') ? [] : [i]));
    writeFileSync(join(older, 'trials.csv'), `${lines.map((line) => keep.map((i) => line.split(',')[i]).join(',')).join('\n')}\n`);
    const result = cli(['report', older]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const page = readFileSync(join(older, 'report.html'), 'utf8');
    expect(page).not.toContain('id="decision-horizon"');
    expect(page).toMatch(/<tr data-strategy="stay">\s*<td class="text"><b>stay<\/b><\/td>\s*<td>[^<]*<\/td>\s*<td>n\/a<\/td>/);
    expect(page).toContain('(n/a: this summary.json was written by hashpivot 0.1.0, which did not record it; run the scenario again to see it)');
  });

  it('never shows running out of cash without the funding need beside it; stay has no outlay to pay back', () => {
    const text = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ');
    const mentions = text.match(/runs out of cash without new funding in [<>\d.]+% of futures( \([<>\d.]+% for [\w-]+\))?;/g) ?? [];
    const withNeed = text.match(/runs out of cash without new funding in [<>\d.]+% of futures( \([<>\d.]+% for [\w-]+\))?; (peak funding need \$[\d.]+[MB] in the median future|needs no cash beyond what it earns)/g) ?? [];
    expect(mentions.length).toBeGreaterThanOrEqual(4); // one per strategy in the cash section, more in the sentences
    expect(withNeed.length).toBe(mentions.length);
    expect(html).toContain('id="funding-need"');
    const stayRow = html.slice(html.indexOf('data-strategy="stay"'), html.indexOf('</tr>', html.indexOf('data-strategy="stay"')));
    expect(stayRow).not.toMatch(/>0 mo</);
    // An IRR median is shown only where the IRR exists in at least half of the trials.
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const s of summary.strategies as { name: string; metrics: { irr: { count: number; definedCount: number } } }[]) {
      const row = html.slice(html.indexOf(`data-strategy="${s.name}"`), html.indexOf('</tr>', html.indexOf(`data-strategy="${s.name}"`)));
      if (s.metrics.irr.definedCount < s.metrics.irr.count / 2) expect(row).toMatch(/n\/a \(exists in [\d.]+%\)/);
    }
  });

  it('opens with the decision, then the strategies table, then the charts; assumptions and sources in an appendix', () => {
    const at = (marker: string) => {
      const i = html.indexOf(marker);
      expect(i, marker).toBeGreaterThan(0);
      return i;
    };
    const order = ['id="decision"', 'id="decision-headline"', 'id="decision-certainty"', 'id="decision-flip"', 'id="strategies"', 'id="chart-npv-distribution"', 'id="chart-fan-btc-price"', 'id="assumptions"', 'Sources of the as-of state', 'id="scenario"'];
    const positions = order.map(at);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    // The leader is the highest mean NPV among the strategies the site can fund (P(ruin) <= 5%).
    type Row = { name: string; pRuin: { p: number }; metrics: { npvUsd: { mean: number } } };
    const fundable = (summary.strategies as Row[]).filter((s) => s.pRuin.p <= 0.05).sort((a, b) => b.metrics.npvUsd.mean - a.metrics.npvUsd.mean);
    expect(fundable.map((s) => s.name)).toContain('stay');
    const leader = fundable[0].name;
    expect(html).toMatch(new RegExp(`<p class="headline" id="decision-headline"><b>${leader}</b> ranks first by the highest mean NPV among the strategies the site can fund`));
    const ranks = [...html.matchAll(/<tr data-rank="(\d)"><td>\d<\/td><td class="text"><b>([^<]+)<\/b>/g)].map((m) => m[2]);
    expect(ranks).toHaveLength(summary.strategies.length);
    expect(ranks[0]).toBe(leader);
    expect(html).toMatch(/<b>How sure:<\/b> Monte Carlo error: each mean NPV above is within ±\$[\d.]+M of its long-run value \(95% confidence for each, 300 trials\)/);
    expect(html).toMatch(/that order is right with probability (above 99\.9%|\d+(\.\d)?%)/);
    // From the run's swings (test/swings.test.ts checks which inputs it names).
    expect(html).toMatch(/<b>What would flip it:<\/b> (no single input at its low or high value puts|<b>.+<\/b> would put)/);
  });

  it('draws the price, hashprice and difficulty fans on log axes with the mean path, and says why mean and median part', () => {
    for (const name of ['fan-btc-price', 'fan-hashprice', 'fan-difficulty']) {
      const spec = JSON.parse(readFileSync(join(out, 'charts', `${name}.vl.json`), 'utf8'));
      expect(spec.layer[0].encoding.y.scale, name).toEqual({ type: 'log' });
      expect(spec.layer.some((l: { encoding: { y: { field: string } } }) => l.encoding.y.field === 'mean'), name).toBe(true);
      for (const row of spec.data.values) expect(row.mean, name).toBeGreaterThan(0);
    }
    const energy = JSON.parse(readFileSync(join(out, 'charts', 'fan-energy-price.vl.json'), 'utf8'));
    expect(energy.layer[0].encoding.y.scale).toBeUndefined();
    // smoke is merton with mu 0.10, sigma 0.5, 1 jump/yr of mean -0.10, sd 0.15: the median drifts at
    // mu - sigma^2/2 - lambda (e^{m + s^2/2} - 1 - m) = -4.0%/yr in logs.
    expect(html).toMatch(/Why the median falls while BTC&#39;s expected return is \+10\.0%\/yr: with 50% volatility and jumps the typical path drifts at -4\.0%\/yr in logs/);
  });

  it('draws the S-curves on the histogram\'s x-range and the paired panels in table order on one x-axis', () => {
    const histogram = JSON.parse(readFileSync(join(out, 'charts', 'npv-distribution.vl.json'), 'utf8'));
    const cdf = JSON.parse(readFileSync(join(out, 'charts', 'npv-cdf.vl.json'), 'utf8'));
    expect(cdf.layer[0].encoding.x.scale.domain).toEqual(histogram.layer[0].encoding.x.scale.domain);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const s of summary.strategies) {
      const points = cdf.data.values.filter((r: { series: string }) => r.series === s.name);
      expect(points.length).toBe(201);
      // The curve passes through the median of summary.json at 50%.
      const median = points.find((r: { p: number }) => r.p === 0.5);
      expect(median.x * 1e6).toBeCloseTo(s.metrics.npvUsd.percentiles.p50, -1);
      for (let i = 1; i < points.length; i++) expect(points[i].x).toBeGreaterThanOrEqual(points[i - 1].x);
    }
    const difference = JSON.parse(readFileSync(join(out, 'charts', 'npv-difference.vl.json'), 'utf8'));
    expect(difference.resolve.scale.x).toBe('shared');
    const order = difference.facet.row.sort.map((label: string) => label.split(' - ')[0]);
    expect(order).toEqual(summary.strategies.map((s: { name: string }) => s.name).filter((n: string) => n !== 'stay'));
  });

  it('dissects each strategy\'s worst 5% of futures: the BTC price, AI winters and energy there against all futures', () => {
    const csv = readFileSync(join(out, 'trials.csv'), 'utf8').trimEnd().split('\n');
    const header = csv[0].split(',');
    const rows = csv.slice(1).map((line) => line.split(',').map((c) => (c === '' ? NaN : Number(c))));
    const column = (name: string) => rows.map((r) => r[header.indexOf(name)]);
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const h = 0.5 * (s.length - 1);
      return s[Math.floor(h)] + (h - Math.floor(h)) * (s[Math.ceil(h)] - s[Math.floor(h)]);
    };
    // stay's worst 5% of 300 trials: its 15 lowest NPVs.
    const npv = column('stay.npvUsd');
    const worst = npv.map((v, t) => [v, t]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, 15).map(([, t]) => t);
    const finalPrice = column('finalPriceUsd');
    const winter = column('aiWinterMonths');
    const table = /<table class="tail">([\s\S]*?)<\/table>/.exec(html)![1];
    const cells = (label: string) => [...new RegExp(`<td class="text">${label} <span class="note">[^<]*</span></td>((?:<td>[^<]*</td>)+)</tr>`).exec(table)![1].matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);
    const money = (x: number) => `$${x.toLocaleString('en-US', { maximumSignificantDigits: 3 })}`;
    const price = cells('BTC price at the horizon');
    expect(price[0]).toBe(money(median(finalPrice))); // all futures
    expect(price[1]).toBe(money(median(worst.map((t) => finalPrice[t])))); // stay's worst 5%
    const share = (ts: number[]) => ts.filter((t) => winter[t] > 0).length / ts.length;
    expect(cells('futures with an AI winter')[0]).toBe(`${Math.round(100 * share(rows.map((_, t) => t)))}%`);
    expect(html).toContain("each strategy's own worst 15 trials by its NPV");
    const tail = JSON.parse(readFileSync(join(out, 'charts', 'tail-anatomy.vl.json'), 'utf8'));
    expect(new Set(tail.data.values.map((r: { futures: string }) => r.futures))).toEqual(new Set(['all futures', 'its worst 5%']));
  });

  it('ranks the drivers that explain each paired difference by their share of R^2', () => {
    const table = /<table class="drivers">([\s\S]*?)<\/table>/.exec(html)![1];
    const rows = [...table.matchAll(/<tr><td class="text"><b>([^<]+)<\/b> - stay<\/td><td>([\d.]+)%<\/td><td class="text">([^<]+)<\/td><\/tr>/g)];
    expect(rows.map((r) => r[1])).toEqual(['convert-now', 'hybrid-50', 'trigger-30']);
    for (const [, , rSquared, drivers] of rows) {
      expect(Number(rSquared)).toBeGreaterThanOrEqual(0);
      expect(Number(rSquared)).toBeLessThanOrEqual(100);
      const shares = [...drivers.matchAll(/ ([\d.]+)% [↑↓]/g)].map((m) => Number(m[1]));
      expect(shares.length).toBeGreaterThan(0);
      expect([...shares].sort((a, b) => b - a)).toEqual(shares);
    }
    const spec = JSON.parse(readFileSync(join(out, 'charts', 'drivers.vl.json'), 'utf8'));
    const total = new Map<string, number>();
    for (const r of spec.data.values) total.set(r.pair, (total.get(r.pair) ?? 0) + r.share);
    for (const [pair, sum] of total) expect(sum, pair).toBeCloseTo(Number(/R² (\d+)%/.exec(pair)![1]) / 100, 1);
  });

  it('embeds binned data only: chart data does not grow with the number of trials', () => {
    const spec = JSON.parse(readFileSync(join(out, 'charts', 'npv-distribution.vl.json'), 'utf8'));
    expect(spec.$schema).toMatch(/vega-lite\/v6/);
    expect(spec.data.values.length).toBeLessThanOrEqual(4 * 70); // ~60 bins per strategy, not 300 x 4 samples
    const shares = new Map<string, number>();
    for (const row of spec.data.values) shares.set(row.series, (shares.get(row.series) ?? 0) + row.share);
    for (const total of shares.values()) expect(total).toBeGreaterThan(0.98); // the 0.05% tails may fall off the axis
  });

  it('writes paths.csv: one row per month and series with the bands and means of summary.json', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const lines = readFileSync(join(out, 'paths.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('month,date,series,p5,p25,p50,p75,p95,mean');
    const series = Object.keys(summary.bands.series);
    expect(series).toContain('cashUsd:convert-now');
    expect(lines).toHaveLength(1 + summary.bands.months.length * series.length);
    for (const line of lines.slice(1)) {
      const [month, date, name, ...values] = line.split(',');
      expect(date).toBe(summary.bands.months[Number(month)]);
      expect(values.map(Number)).toEqual([...summary.bands.series[name].map((q: number[]) => q[Number(month)]), summary.bands.means[name][Number(month)]]);
    }
  });

  it('`hashpivot report DIR` rebuilds identical charts from trials.parquet, and from trials.csv when there is no Parquet file', () => {
    const charts = Object.fromEntries(CHARTS.map((c) => [c, readFileSync(join(out, 'charts', `${c}.vl.json`), 'utf8')]));
    const svgs = Object.fromEntries(CHARTS.map((c) => [c, readFileSync(join(out, 'charts', `${c}.svg`), 'utf8')]));
    const paths = readFileSync(join(out, 'paths.csv'), 'utf8');
    rmSync(join(out, 'charts'), { recursive: true });
    rmSync(join(out, 'report.html'));
    // The folder as a shell completes it, with a trailing slash: the files are named as the folder's own.
    const fromParquet = cli(['report', `${out}/`]);
    expect(fromParquet.stderr).toBe('');
    expect(fromParquet.status).toBe(0);
    expect(fromParquet.stdout).toMatch(/^Wrote .*\/report\.html, paths\.csv, paths\.parquet and \d+ charts from summary\.json and trials\.parquet\n$/);
    expect(fromParquet.stdout).toContain(`Wrote ${join(out, 'report.html')}, `);
    for (const c of CHARTS) {
      expect(readFileSync(join(out, 'charts', `${c}.vl.json`), 'utf8'), c).toBe(charts[c]);
      expect(readFileSync(join(out, 'charts', `${c}.svg`), 'utf8'), c).toBe(svgs[c]);
    }
    expect(readFileSync(join(out, 'paths.csv'), 'utf8')).toBe(paths);
    const rebuilt = readFileSync(join(out, 'report.html'), 'utf8');
    const footnote = /Per-trial numbers read from [\s\S]*?\. Charts bin/;
    expect(rebuilt).toMatch(/Per-trial numbers read from trials\.parquet\. Charts bin/);
    expect(ownMarkup(rebuilt).replace(footnote, '') === ownMarkup(html).replace(footnote, '')).toBe(true);

    const csvOnly = join(freshDir(), 'csv-only');
    const copy = cli(['report', out, '--out', csvOnly]);
    expect(copy.status).toBe(0);
    const elsewhere = freshDir();
    for (const f of ['summary.json', 'trials.csv']) writeFileSync(join(elsewhere, f), readFileSync(join(out, f)));
    const fromCsv = cli(['report', elsewhere]);
    expect(fromCsv.stderr).toBe('');
    expect(fromCsv.status).toBe(0);
    expect(fromCsv.stdout).toContain('trials.csv');
    for (const c of CHARTS) expect(readFileSync(join(elsewhere, 'charts', `${c}.vl.json`), 'utf8'), c).toBe(charts[c]);
  });

  it('`hashpivot report DIR --out OTHER` refuses a folder holding another run\'s results, which its report would contradict; a copy of DIR is fine', () => {
    const other = freshDir();
    writeFileSync(join(other, 'summary.json'), '{"seed": 9}\n');
    writeFileSync(join(other, 'report.html'), 'the other run\'s report');
    const refused = cli(['report', out, '--out', other]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${other} holds the results of another run (its summary.json is not ${out}'s): a report of ${out} there would contradict them`);
    expect(readFileSync(join(other, 'report.html'), 'utf8')).toBe('the other run\'s report');
    const copy = freshDir();
    writeFileSync(join(copy, 'summary.json'), readFileSync(join(out, 'summary.json')));
    expect(cli(['report', out, '--out', copy]).status).toBe(0);
    expect(existsSync(join(copy, 'report.html'))).toBe(true);
  });

  it('`hashpivot report` of a folder whose trials predate the driver columns shows what it can of the worst 5% and of the drivers, and names what is missing', () => {
    const older = freshDir();
    writeFileSync(join(older, 'summary.json'), readFileSync(join(out, 'summary.json')));
    const lines = readFileSync(join(out, 'trials.csv'), 'utf8').trimEnd().split('\n');
    const header = lines[0].split(',');
    const drivers = ['switchMonth', 'switchPriceUsd', 'leaseSignedMonth', 'tenantDefaults'];
    const keep = header.map((name, i) => (['trial', 'nextHalvingMonth', 'finalPriceUsd', 'finalDifficulty'].includes(name) || (name.includes('.') && !drivers.includes(name.split('.')[1])) ? i : -1)).filter((i) => i >= 0);
    writeFileSync(join(older, 'trials.csv'), `${lines.map((line) => keep.map((i) => line.split(',')[i]).join(',')).join('\n')}\n`);
    const result = cli(['report', older]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const page = readFileSync(join(older, 'report.html'), 'utf8');
    // Only the final BTC price was recorded then: the tail shows it and names what is missing.
    expect(/<table class="tail">([\s\S]*?)<\/table>/.exec(page)![1].match(/<tr><td class="text">/g)).toHaveLength(1);
    expect(page).toMatch(/<p class="note" id="tail-missing">Not in this results folder&#39;s trials \(written by an older hashpivot\): mean BTC price over the horizon, mean hashprice, futures with an AI winter/);
    expect(page).toMatch(/<p class="note" id="drivers-missing">Not in this results folder&#39;s trials \(written by an older hashpivot\): mean BTC price, mean hashprice, months in AI winter/);
  });

  it('a fresh run in which no tenant ever defaults leaves that row out of the worst 5%, without calling its trials old', () => {
    const fresh = join(freshDir(), 'r');
    expect(cli(['run', 'smoke', '--set', 'hosting.tenantCreditGrade=AAA', '--trials', '200', '--swing-trials', '0', '--out', fresh, '--quiet']).status).toBe(0);
    const csv = readFileSync(join(fresh, 'trials.csv'), 'utf8').trimEnd().split('\n');
    const defaults = csv[0].split(',').flatMap((name, i) => (name.endsWith('.tenantDefaults') ? [i] : []));
    expect(defaults.length).toBeGreaterThan(0);
    expect(csv.slice(1).every((line) => defaults.every((i) => Number(line.split(',')[i]) === 0))).toBe(true);
    const page = readFileSync(join(fresh, 'report.html'), 'utf8');
    expect(/<table class="tail">([\s\S]*?)<\/table>/.exec(page)![1]).not.toContain('tenant default');
    expect(page).not.toContain('written by an older hashpivot');
  });

  it('a one-trial run says its decision has no measurable error, not an empty "How sure"', () => {
    const one = join(freshDir(), 'r');
    expect(cli(['run', 'smoke', '--trials', '1', '--swing-trials', '0', '--out', one, '--quiet']).status).toBe(0);
    const sure = readFileSync(join(one, 'report.html'), 'utf8').match(/<p id="decision-certainty">(.*?)<\/p>/)![1];
    expect(sure).toBe('<b>How sure:</b> Not measurable: the Monte Carlo error needs at least 2 trials, and this run has 1 (a decision needs thousands).');
  });

  it('`hashpivot report` on a folder without results exits 1 with a message and writes nothing', () => {
    const empty = freshDir();
    const result = cli(['report', empty]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no summary\.json/);
    expect(readdirSync(empty)).toEqual([]);
    // A file named as DIR is said to be one, not taken for a bad --out.
    writeFileSync(join(empty, 'afile'), 'x');
    expect(cli(['report', join(empty, 'afile')]).stderr).toBe(`hashpivot: ${join(empty, 'afile')} is not a results folder but a file; pass the folder a run wrote\n`);
    expect(cli(['report']).status).toBe(2);
  });
});

describe('escaping', () => {
  it('escapeHtml and jsonForScript leave no markup and no way out of a <script>', () => {
    expect(escapeHtml(HOSTILE_NAME)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
    const json = jsonForScript({ name: HOSTILE_NAME, d: HOSTILE_DESCRIPTION, c: '<!--' }).markup;
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual({ name: HOSTILE_NAME, d: HOSTILE_DESCRIPTION, c: '<!--' });
  });

  it('shows a scenario named <script>alert(1)</script> as text, in the page and in the embedded JSON', () => {
    const dir = freshDir();
    const out = join(dir, 'results');
    runSmoke(out, [], hostileScenario(dir));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h1 id="scenario-name">&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('<title>hashpivot report: &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    const own = ownMarkup(html);
    expect(own.includes(HOSTILE_NAME)).toBe(false);
    expect(own.includes('<img src=x')).toBe(false);
    expect(own.includes('<b>bold</b>')).toBe(false);
    expect(own).toContain('&lt;b&gt;bold&lt;/b&gt;&lt;/script&gt;&lt;!--');
    // Besides the three libraries, the only <script> elements are the chart JSON and the renderer.
    expect(own.match(/<script\b/g)).toHaveLength(5);
    expect(own.match(/<\/script>/g)).toHaveLength(5);
  });
});

describe("compare's moves", () => {
  const run = (tag: string, mean: number, standardError: number | null) =>
    ({ tag, label: tag, dir: tag, summary: { seed: 1, trials: 50, strategies: [{ name: 'stay', metrics: { npvUsd: { mean, standardError } } }] }, npv: new Map(), rows: null }) as unknown as CompareInputs;
  const moved = (a: CompareInputs, b: CompareInputs) => meanMoves(a, b)[0].beyondError;

  it('flag a change beyond 1.96 SE of independent runs, any change at SE 0, and none when the error is unknown (a one-trial run)', () => {
    expect(moved(run('A', 100, 3), run('B', 110, 4))).toBe(true); // 10 > 1.96 x 5
    expect(moved(run('A', 100, 3), run('B', 109, 4))).toBe(false); // 9 < 9.8
    expect(moved(run('A', 100, 0), run('B', 101, 0))).toBe(true);
    expect(moved(run('A', 100, 3), run('B', 200, null))).toBe(false);
  });
});

describe('hashpivot compare', () => {
  const dir = freshDir();
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const out = join(dir, 'comparison');
  runSmoke(a);
  const smaller = readFileSync(join(ROOT, 'scenarios', 'presets', 'smoke.yaml'), 'utf8').replace(/^horizonMonths: 24$/m, 'horizonMonths: 24\nsite:\n  powerMw: 50');
  writeFileSync(join(dir, 'smaller.yaml'), smaller);
  runSmoke(b, ['--seed', '8'], join(dir, 'smaller.yaml'));

  it('writes compare.html with the scenario diff, the moves of every strategy and an overlaid NPV chart', () => {
    const result = cli(['compare', a, b, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(filesUnder(out).sort()).toEqual(['charts/compare-npv.png', 'charts/compare-npv.svg', 'charts/compare-npv.vl.json', 'compare.html']);
    const html = readFileSync(join(out, 'compare.html'), 'utf8');
    expect(html).toMatch(/<code>site\.powerMw<\/code><\/td><td class="text">100<\/td><td class="text">50<\/td><td>-50%<\/td>/);
    expect(html).toMatch(/<code>seed<\/code><\/td><td class="text">7<\/td><td class="text">8<\/td>/);
    for (const metric of ['mean NPV', 'p5 NPV', 'p50 NPV', 'p95 NPV', 'P(NPV&lt;0)']) expect(html).toContain(metric);
    expect(html).toMatch(/convert-now: mean NPV -?\$[\d.]+M -&gt; -?\$[\d.]+M \([+-]?-?\$[\d.]+M\)/);
    expect(html).toContain('data-charts-expected="1"');
    const spec = JSON.parse(readFileSync(join(out, 'charts', 'compare-npv.vl.json'), 'utf8'));
    expect(new Set(spec.data.values.map((r: { run: string }) => r.run))).toEqual(new Set(['A: a', 'B: b']));
  });

  it('says so when the scenarios are the same', () => {
    const same = join(dir, 'same');
    const result = cli(['compare', a, a, '--out', same]);
    expect(result.status).toBe(0);
    expect(readFileSync(join(same, 'compare.html'), 'utf8')).toContain('The resolved scenarios are identical.');
  });

  it('exits 2 without two folders, or with more than eight', () => {
    expect(cli(['compare', a]).status).toBe(2);
    expect(existsSync(join(ROOT, 'comparison'))).toBe(false);
    const nine = cli(['compare', ...Array.from({ length: 9 }, () => a)]);
    expect(nine.status).toBe(2);
    expect(nine.stderr).toContain('compare takes 2 to 8 results folders');
  });
});

describe('hashpivot compare of three runs: base, ai-winter, base with another seed', () => {
  const dir = freshDir();
  const runs = [
    ['base', 'base', '1'],
    ['ai-winter', 'ai-winter', '1'],
    ['base-seed-2', 'base', '2'],
  ].map(([folder, scenario, seed]) => {
    const out = join(dir, folder);
    runSmoke(out, ['--seed', seed], scenario);
    return out;
  });
  const out = join(dir, 'comparison');
  const result = cli(['compare', ...runs, '--out', out]);
  const html = readFileSync(join(out, 'compare.html'), 'utf8');
  const text = html
    .replace(/<head>[\s\S]*?<\/head>|<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

  it('says in its first lines whether the ranking flipped: by the decision and by mean NPV, each run\'s leader named', () => {
    expect(result.status).toBe(0);
    const first = text.slice(0, 700);
    expect(first).toContain('hashpivot comparison of 3 runs base against ai-winter and base');
    // Each run's leaders, read from its summary: by the report's criterion and by mean NPV alone.
    const summaries = runs.map((run) => JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')));
    const decisionLeaders = summaries.map((summary) => decide(summary).leader.name);
    type Row = { name: string; metrics: { npvUsd: { mean: number } } };
    const meanLeaders = summaries.map((summary) => [...(summary.strategies as Row[])].sort((a, b) => b.metrics.npvUsd.mean - a.metrics.npvUsd.mean)[0].name);
    // ai-winter changes the leader by mean NPV (its locked-in low lease rate sinks converting now).
    expect(meanLeaders[1]).not.toBe(meanLeaders[0]);
    expect(first).toContain('The ranking flipped.');
    expect(first).toContain(`By mean NPV the ranking flipped: ${['A', 'B', 'C'].map((tag, k) => `${tag} ranks ${meanLeaders[k]} first`).join(', ')}`);
    const decisionText = new Set(decisionLeaders).size === 1 ? `The decision holds: ${decisionLeaders[0]} ranks first in every run` : `The decision flipped: ${['A', 'B', 'C'].map((tag, k) => `${tag} ranks ${decisionLeaders[k]} first`).join(', ')}`;
    expect(first).toContain(decisionText);
  });

  it('names the strategies that moved beyond their Monte Carlo error, paired where the runs share seed and trials', () => {
    expect(text).toMatch(/Strategies whose mean NPV moved by more than its Monte Carlo error \(1\.96 SE\) against A: in B, (?=[^;]*convert-now -\$\d+M ± \$[\d.]+M)/);
    // stay does not touch the AI inputs: with the same seed its NPV is the same in every trial.
    expect(text).not.toMatch(/in B, [^;]*stay [+-]\$/);
    expect(text).toContain('B: paired with A (same seed and trial count, so the same random numbers trial by trial)');
    expect(text).toContain('C: independent of A (another seed or trial count)');
  });

  it('lists the input changes numbers first, folds the text notes, and sets the seed apart', () => {
    const numbers = html.indexOf('<code>asOf.aiDemandIndex</code>');
    const notes = html.indexOf('<details><summary>Text notes that differ');
    expect(numbers).toBeGreaterThan(html.indexOf('id="scenario-changes"'));
    expect(notes).toBeGreaterThan(numbers);
    expect(html.slice(notes)).toContain('<code>description</code>');
    expect(html.slice(0, notes)).not.toContain('<code>description</code>');
    expect(html).toMatch(/<code>hosting\.leaseUsdPerKwMonth<\/code><\/td><td class="text">130<\/td><td class="text">100<\/td><td>-23%<\/td><td class="text">130<\/td><td><\/td>/);
    expect(html).toMatch(/<h3>Run settings<\/h3>[\s\S]*?<code>seed<\/code><\/td><td class="text">1<\/td><td class="text">1<\/td><td><\/td><td class="text">2<\/td><td><\/td>/);
  });

  it('overlays every run per strategy on shared bins, each run with its own colour and dash', () => {
    const spec = JSON.parse(readFileSync(join(out, 'charts', 'compare-npv.vl.json'), 'utf8'));
    const labels = ['A: base', 'B: ai-winter', 'C: base-seed-2'];
    expect(new Set(spec.data.values.map((r: { run: string }) => r.run))).toEqual(new Set(labels));
    const encoding = spec.spec.layer[0].encoding;
    expect(encoding.strokeDash.scale.domain).toEqual(labels);
    expect(new Set(encoding.strokeDash.scale.range.map(String)).size).toBe(3);
    expect(new Set(encoding.color.scale.range).size).toBe(3);
  });
});

describe('charts/ of a reused results folder', () => {
  it('holds only the charts of the latest run (a chart an earlier run made and this one does not is removed)', () => {
    const out = join(freshDir(), 'reused');
    runSmoke(out);
    expect(readdirSync(join(out, 'charts'))).toContain('npv-difference.svg');
    // One strategy: no paired-difference chart in this run.
    const dir = freshDir();
    const single = join(dir, 'single.yaml');
    writeFileSync(single, readFileSync(join(ROOT, 'scenarios', 'presets', 'smoke.yaml'), 'utf8').replace(/strategies:[\s\S]*$/, 'strategies:\n  - { kind: stay, name: stay }\n'));
    const r = cli(['run', single, '--trials', '100', '--workers', '0', '--quiet', '--out', out]);
    expect(r.status).toBe(0);
    const charts = readdirSync(join(out, 'charts'));
    expect(charts).not.toContain('npv-difference.svg');
    expect(charts).toContain('npv-distribution.svg');
  });
});
