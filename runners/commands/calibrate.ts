// `hashpivot calibrate`: fit the market processes to history and write (or print) a scenario
// fragment with the fitted parameters, their standard errors and the fit period.
import { closeSync, existsSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CalibrationError } from '../../engine/calibrationError.js';
import { listPresets, loadScenario, scenarioFromText, ScenarioError } from '../../scenarios/load.js';
import { calibrate, CalibrateInputError, DEFAULT_ROLLING_MONTHS, FRAGMENT_MARK, SHIPPED_DEFAULT_FROM, shippedDifficulty, shippedPrice, type CalibrateResult, type ExtraProcess, type SeriesInput } from '../calibrate.js';
import { DRIFT_BOUND_PER_YEAR, guardrailSentence } from '../calibrationGuardrails.js';
import { rollingTable } from '../rollingFits.js';
import { CHARTS_FOLDER, chartFiles } from '../../outputs/report.js';
import { AtomicWrite, OutputFolderError, writeFileWhole, type OutputFile } from '../../outputs/resultsFolder.js';
import { describeUserSeries, readUserSeries, UserSeriesError } from '../userSeries.js';
import { columnNeedsFile, parseCommandLine, parseSeriesFlags, reportCommandError, UsageError, wholeNumber, yearMonth } from '../cliArgs.js';
import { writeErr, writeOut } from '../terminal.js';

export const CALIBRATE_USAGE = `Usage:
  hashpivot calibrate [--price FILE] [--difficulty FILE] [--from YYYY-MM] [--to YYYY-MM] [--out FILE.yaml]
                      [--series fees=FILE[:COLUMN]] [--series energy=FILE[:COLUMN]]
                      [--price-column C] [--difficulty-column C] [--price-model auto|gbm|merton]
                      [--lag MONTHS] [--scenario NAME|FILE] [--shrink W] [--rolling MONTHS] [--report DIR]
      Fits BTC price (GBM and Merton on monthly log returns), network hashrate (growth, volatility,
      response to hashprice, from difficulty) and, for series you give, fees and energy (log-OU), and
      writes a scenario that runs as is: it extends --scenario (default base) with the fitted market,
      standard errors and fit periods as comments (a fit that would not run is refused, saying why).
      A fitted value a forward-looking scenario should not take (a price drift beyond
      ±${DRIFT_BOUND_PER_YEAR}/yr, a negative hashrate growth) is written with a WARNING; --shrink W
      (0..1) moves each such value the share W of the way to the scenario's own.
      The fit is repeated on rolling windows of --rolling MONTHS (default ${DEFAULT_ROLLING_MONTHS}, 0 for none), 12
      months apart, and the spread shown. --report DIR writes DIR/calibration.html (offline) and its
      charts (DIR/charts/calibration-*): the returns against the fitted distributions (KS, Jarque-Bera),
      history against each price model at its fitted parameters, autocorrelation (Ljung-Box),
      volatility by year (Bartlett), a held-out back-test of the last 24 months, the rolling fits.
      Without files it fits the shipped history (data/README.md), from ${SHIPPED_DEFAULT_FROM} by default.
      A file (CSV or Parquet) needs a date column (date, Date, ...) and a value column (Adj Close,
      Close, price, value, difficulty, or the first numeric column; or name it); README.md says more. --scenario (default base) supplies the hashrate
      breakeven assumption and the default lag. Without --out the fragment goes to stdout.
`;

async function userInput(path: string, flag: string, column: string | undefined, notes: string[]): Promise<SeriesInput> {
  const user = await readUserSeries(path, flag, { column });
  notes.push(describeUserSeries(user, flag, path));
  return { daily: user.series, source: `${path} column ${user.valueColumn}`, shipped: false };
}

/**
 * An existing --out is replaced only when calibrate wrote it (its first line is the fragment's
 * header): a scenario or a history file of the user's named by mistake stays as it is. Checked
 * before the fits.
 */
function checkOutFile(path: string): void {
  const stat = lstatOrNull(path);
  if (stat === null) return;
  const mark = `# ${FRAGMENT_MARK}`;
  if (!stat.isFile()) throw new CalibrateInputError(`--out ${path}: exists and is not a file calibrate wrote (${stat.isSymbolicLink() ? 'a symbolic link' : stat.isDirectory() ? 'a folder' : 'not a regular file'}); pass --out a new file name`);
  const head = Buffer.alloc(mark.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, mark.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('utf8') !== mark) {
    throw new CalibrateInputError(`--out ${path}: exists and was not written by hashpivot calibrate (its first line does not start with "${mark}"), so it is left as it is: pass --out a new file name, or remove the file first`);
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** The nearest existing path at or above `folder` when it is not a folder (a file in the way), else null. */
function firstFileOnTheWay(folder: string): string | null {
  for (let at = folder; ; at = dirname(at)) {
    const stats = existsSync(at) ? statSync(at) : null; // links followed: a link to a folder is a folder
    if (stats !== null) return stats.isDirectory() ? null : at;
    if (dirname(at) === at) return null;
  }
}

/** Writes text to `path` whole (writeFileWhole): never half a file. */
function writeFileAtomically(path: string, text: string): void {
  const folder = dirname(resolve(path));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    const file = firstFileOnTheWay(folder);
    throw new CalibrateInputError(file === null
      ? `--out ${path}: the folder ${folder} does not exist; create it or pass --out a file in an existing folder`
      : `--out ${path}: ${file} is a file, not a folder; pass --out a file in an existing folder`);
  }
  try {
    writeFileWhole(path, text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CalibrateInputError(`--out ${path}: cannot write it (${reason}); pass --out a file you can write`);
  }
}

/**
 * The fragment loaded as run would load it, from where it is written: each fitted value is kept in
 * its own field's range, but the limits that span fields (a price volatility over the horizon, a
 * hashrate response against its lag: scenarios/numericDomain.ts) can still refuse it. Then nothing
 * is written, and the fits are shown with the reason.
 */
function checkRuns(fragment: string, out: string | undefined, report: string): void {
  try {
    scenarioFromText(fragment, 'yaml', out ?? 'the fitted scenario', out === undefined ? process.cwd() : dirname(resolve(out)));
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    writeErr(report);
    const problems = error.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    throw new CalibrateInputError(`the fitted scenario would not run (${problems}), so it is not written: fit another window (--from, --to), or write the values you want into a scenario of your own`);
  }
}

const fmt = (x: number, digits = 3) => Number(x.toPrecision(digits)).toString();
const pm = (value: number, se: number) => `${fmt(value)} ± ${fmt(se, 2)}`;

/**
 * How the written scenario names the one it extends: a preset by its name, a file by its path
 * relative to the folder the scenario is written to (extends resolves from there; from the working
 * folder when it goes to stdout).
 */
export function scenarioReference(scenarioName: string, out: string | undefined): string {
  if (listPresets().some((p) => p.name === scenarioName)) return scenarioName;
  const from = out === undefined ? process.cwd() : dirname(resolve(out));
  return relative(from, resolve(scenarioName)) || scenarioName;
}

export const CALIBRATION_PAGE = 'calibration.html';

/** calibration.html and its charts (charts/calibration-*.vl.json, .svg, .png), ready to write. */
async function calibrationReportFiles(result: CalibrateResult, scenarioName: string, source: string): Promise<OutputFile[]> {
  // Imported here: every command's start-up would otherwise pay for the diagnostics (cli.ts imports every command).
  const [{ calibrationDiagnostics }, { calibrationCharts, calibrationHtml }, { renderCharts }] = await Promise.all([
    import('../calibrationDiagnostics.js'),
    import('../../outputs/calibrationReport.js'),
    import('../../outputs/chartsRender.js'),
  ]);
  const diagnostics = calibrationDiagnostics(result);
  const charts = calibrationCharts(result, diagnostics, DRIFT_BOUND_PER_YEAR);
  const rendered = await renderCharts(charts);
  const html = calibrationHtml(result, diagnostics, charts, {
    scenarioName,
    warnings: result.guardrails.map((g) => guardrailSentence(g, scenarioName)),
    source,
  });
  return [{ name: CALIBRATION_PAGE, write: (write) => write(html) }, ...chartFiles(rendered)];
}

/** A short plain-text account of the fits, for the terminal. */
export function calibrationReport(result: CalibrateResult, scenarioName: string): string {
  const lines: string[] = [];
  const period = (p?: { from: string; to: string }) => (p === undefined ? '' : `${p.from} .. ${p.to}`);
  const price = result.priceModel === 'merton' && !('error' in result.merton) ? result.merton : result.gbm;
  const e = price.estimates;
  const s = price.standardErrors;
  let priceText = `drift ${pm(e.driftPerYear, s.driftPerYear)}/yr, volatility ${pm(e.volatilityPerYear, s.volatilityPerYear)}/yr`;
  if (price.model === 'merton') {
    priceText += `, jumps ${pm(price.estimates.jumpsPerYear, price.standardErrors.jumpsPerYear)}/yr of mean ${fmt(price.estimates.jumpMeanLog)} (log), sd ${fmt(price.estimates.jumpSdLog)}`;
  }
  lines.push(`price     ${result.priceModel.padEnd(7)} ${period(result.periods.price)}  ${price.observations} increments  ${priceText}`);
  if ('error' in result.hashrate) lines.push(`hashrate  not fitted: ${result.hashrate.error}`);
  else {
    const h = result.hashrate;
    lines.push(
      `hashrate  regress ${period(result.periods.hashrate)}  ${h.observations} increments  growth ${pm(h.estimates.growthPerYear, h.standardErrors.growthPerYear)}/yr, ` +
        `response ${pm(h.estimates.responsePerYear, h.standardErrors.responsePerYear)}/yr, volatility ${pm(h.estimates.volatilityPerYear, h.standardErrors.volatilityPerYear)}/yr (breakeven assumed, lag ${h.responseLagMonths} months)`,
    );
  }
  for (const [process, fit] of Object.entries(result.extra)) {
    lines.push(
      `${process.padEnd(9)} log-OU  ${period(result.periods[process as ExtraProcess])}  ${fit.observations} increments  mean ${pm(fit.estimates.mean, fit.standardErrors.mean)}, ` +
        `reversion ${pm(fit.estimates.reversionPerYear, fit.standardErrors.reversionPerYear)}/yr, volatility ${pm(fit.estimates.volatilityPerYear, fit.standardErrors.volatilityPerYear)}/yr`,
    );
  }
  lines.push(`Price model: ${result.priceModelReason}.`);
  if (result.rolling !== null && result.rolling.windows.length > 0) lines.push('', rollingTable(result.rolling), '');
  for (const note of result.notes) lines.push(`Note: ${note}.`);
  for (const finding of result.guardrails) lines.push(guardrailSentence(finding, scenarioName));
  return `${lines.join('\n')}\n`;
}

export async function calibrateCommand(args: string[]): Promise<number> {
  // --report's folder, opened (checked, locked) before the fits; aborted if anything fails.
  let reportFolder: AtomicWrite | null = null;
  try {
    let parsed;
    try {
      parsed = parseCommandLine({
        args,
        allowPositionals: false,
        options: {
          price: { type: 'string' },
          'price-column': { type: 'string' },
          difficulty: { type: 'string' },
          'difficulty-column': { type: 'string' },
          series: { type: 'string', multiple: true },
          from: { type: 'string' },
          to: { type: 'string' },
          out: { type: 'string' },
          'price-model': { type: 'string' },
          lag: { type: 'string' },
          scenario: { type: 'string' },
          shrink: { type: 'string' },
          rolling: { type: 'string' },
          report: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const values = parsed.values;
    if (values.help) {
      writeOut(CALIBRATE_USAGE);
      return 0;
    }
    const from = yearMonth(values.from, '--from');
    const to = yearMonth(values.to, '--to');
    if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${from} is after --to ${to}; the window must run forwards`);
    const priceModel = values['price-model'] ?? 'auto';
    if (priceModel !== 'auto' && priceModel !== 'gbm' && priceModel !== 'merton') throw new UsageError(`--price-model must be auto, gbm or merton, got "${priceModel}"`);
    let lagMonths: number | undefined;
    if (values.lag !== undefined) {
      if (!/^\d+$/.test(values.lag) || Number(values.lag) > 36) throw new UsageError(`--lag must be a whole number of months from 0 to 36, got "${values.lag}"`);
      lagMonths = Number(values.lag);
    }
    let shrink = 0;
    if (values.shrink !== undefined) {
      shrink = Number(values.shrink);
      if (values.shrink.trim() === '' || !(shrink >= 0 && shrink <= 1)) throw new UsageError(`--shrink must be a share from 0 to 1 (0.5: half-way to the scenario's value), got "${values.shrink}"`);
    }
    const rollingMonths = wholeNumber(values.rolling, '--rolling', DEFAULT_ROLLING_MONTHS, 0, 600);
    if (rollingMonths > 0 && rollingMonths < 12) throw new UsageError(`--rolling must be 0 (no rolling fits) or at least 12 months, got "${values.rolling}"`);
    columnNeedsFile(values.price, values['price-column'], 'price');
    columnNeedsFile(values.difficulty, values['difficulty-column'], 'difficulty');
    const series = parseSeriesFlags(values.series);

    if (values.report !== undefined) {
      if (values.report.trim() === '') throw new UsageError('--report needs a folder: --report DIR');
      // Checked and locked before the fits (outputs/resultsFolder.ts).
      try {
        reportFolder = new AtomicWrite(values.report, { command: 'calibrate', names: [CALIBRATION_PAGE], folders: [CHARTS_FOLDER] });
      } catch (error) {
        if (!(error instanceof OutputFolderError)) throw error;
        throw new CalibrateInputError(`--report ${values.report}: this folder cannot be written (${error.message.replace(/: pass --out .*$/, '')}); pass --report a folder you can write to`);
      }
    }
    if (values.out !== undefined) {
      // The fragment is YAML with its standard errors as comments: a .json name would not load.
      if (!/\.ya?ml$/i.test(values.out)) throw new UsageError(`--out must name a .yaml or .yml file (calibrate writes YAML, its standard errors as comments), got "${values.out}"`);
      checkOutFile(values.out);
    }
    const scenarioName = values.scenario ?? 'base';
    const scenario = loadScenario(scenarioName);
    const readNotes: string[] = [];
    const price = values.price === undefined ? shippedPrice() : await userInput(values.price, '--price', values['price-column'], readNotes);
    const difficulty = values.difficulty === undefined ? shippedDifficulty() : await userInput(values.difficulty, '--difficulty', values['difficulty-column'], readNotes);
    const extra: { process: ExtraProcess; input: SeriesInput }[] = [];
    for (const s of series) extra.push({ process: s.process, input: await userInput(s.path, `--series ${s.process}`, s.column, readNotes) });

    const extendsReference = scenarioReference(scenarioName, values.out);
    const result = calibrate({ price, difficulty, extra, from, to, priceModel, scenario, scenarioName, lagMonths, shrink, rollingMonths, extendsReference });
    const report = [...readNotes.map((n) => `Read ${n}.`), calibrationReport(result, scenarioName)].join('\n');
    checkRuns(result.fragment, values.out, report);
    // The diagnostics come before any file is written, so a failure there leaves nothing half done.
    const diagnostics = values.report === undefined ? undefined : await calibrationReportFiles(result, scenarioName, price.source);
    if (values.out === undefined) {
      writeOut(result.fragment);
      writeErr(report);
    } else {
      writeFileAtomically(values.out, result.fragment);
      writeOut(`${report}Wrote ${values.out}\n`);
    }
    if (reportFolder !== null && values.report !== undefined && diagnostics !== undefined) {
      reportFolder.write(diagnostics);
      reportFolder.commit();
      (values.out === undefined ? writeErr : writeOut)(`Wrote ${join(values.report, CALIBRATION_PAGE)} and ${diagnostics.length - 1} chart files in ${join(values.report, CHARTS_FOLDER)}\n`);
    }
    return 0;
  } catch (error) {
    reportFolder?.abort();
    // A fit that fails on user data (CalibrationError) is a data problem, not a crash.
    const exitCode = reportCommandError('calibrate', CALIBRATE_USAGE, error, [UserSeriesError, CalibrateInputError, CalibrationError, OutputFolderError]);
    if (exitCode === undefined) throw error;
    return exitCode;
  }
}
