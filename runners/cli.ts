#!/usr/bin/env node
// The hashpivot command line: dispatches to the command of the same name in runners/commands/ and
// turns the errors a user can cause into one line on stderr and an exit code.
import { ScenarioError } from '../scenarios/load.js';
import { OutputFolderError } from '../outputs/resultsFolder.js';
import { NonFiniteOutputError } from '../outputs/finiteJson.js';
import { ResultsInputError } from '../outputs/resultsReader.js';
import { ShardFolderError } from '../outputs/shardFolder.js';
import { backtestCommand } from './commands/backtest.js';
import { calibrateCommand } from './commands/calibrate.js';
import { compareCommand } from './commands/compare.js';
import { mergeCommand } from './commands/merge.js';
import { presetsCommand } from './commands/presets.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { studyCommand } from './commands/study.js';
import { validateCommand } from './commands/validate.js';
import { RedisUnreachable } from './redisUnreachable.js';
import { RunFailure } from './run.js';
import { MergeError } from './merge.js';
import { UsageError } from './cliArgs.js';
import { ProcessModuleError } from './processModule.js';
import { ModelInputError } from './modelInputs.js';
import { PolicyFileError } from './switchPolicyFile.js';
import { UserSeriesError } from './userSeries.js';
import { PdfError } from '../outputs/pdf.js';
import { toleratePipeClose, writeErr, writeOut } from './terminal.js';

const USAGE = `Usage:
  hashpivot run [SCENARIO] [--set PATH=VALUE ...] [--trials N] [--seed S] [--out DIR] [--workers W] [--chunk-trials C] [--target-se USD] [--shard I/N] [--outcomes trials|sketch] [--swing-trials N] [--pdf [--paper a4|letter]] [--quiet]
      SCENARIO: a preset name, a .yaml/.json file, or - to read one from stdin (default: base).
      --set changes one field, e.g. --set hosting.leaseUsdPerKwMonth=150 (repeatable). Defaults: 10000 trials, seed 1,
      ./results, one worker per core, each claiming --chunk-trials trials at a time (500).
      --target-se runs until every strategy's mean NPV has a standard error at or below USD, with
      --trials as the cap; it first checks after 2,000 trials (fewer give no trustworthy SE). --swing-trials: trials per point of the report's "what drives the result"
      (default 400; 0: none). --quiet prints no progress, notes or table (errors only).
      Writes summary.json, trials.csv, trials.parquet, paths.csv, paths.parquet, report.html and
      charts/ (Vega-Lite specs, SVG, PNG); --pdf also report.pdf, printed by headless Chromium.
      --shard I/N computes only shard I of N (1 <= I <= N) and writes a shard folder (default
      ./shard-I-of-N) for merge.
      --outcomes sketch keeps no per-trial rows (memory flat in the trial count): sketch.bin instead
      of trials.csv and trials.parquet, percentiles within 1/1024 of |x| + unit.
      --process-module FILE loads the price process of one's own that a scenario with
      market.price.model: custom names (a scenario never loads code).
      --redis URL --store DIR [--shards N] runs the shards on hashpivot workers (BullMQ on Redis),
      the store a folder every worker reaches; the outputs are those of a run on this machine.
  hashpivot merge DIR... [--out OUT] [--swing-trials N] [--quiet]  put the N shard folders of one run together: the files of a single run;
      or those of one study (study --shard): the files of the unsharded study (default OUT: ./study-NAME)
  hashpivot worker --redis URL [--concurrency K] [--store DIR] [--lock-seconds S] [--quiet]
      take shards from the queue and compute each on K threads (default: one per core), until stopped
  hashpivot study STUDY [--out DIR] [--trials N] [--seed S] [--workers W] [--yes] [--process-module FILE] [--quiet]
      run a study (a preset: base-tornado, base-sobol, base-lease-breakeven; or a file) into DIR/study.duckdb,
      points/*.parquet, study.json and study.html (default DIR: ./study-NAME); resumes an interrupted study.
      --shard I/N computes only study shard I of N (whole points, or one trial range of a point when the
      study has fewer points than shards) into a folder (default ./study-shard-I-of-N) for merge.
      --redis URL --store DIR [--shards N] runs each point's trials as N shards on hashpivot workers.
  hashpivot report DIR [--out OUT] [--pdf [--paper a4|letter]]
      rebuild report.html, charts/ and paths.* from a results folder (--pdf: and report.pdf)
  hashpivot compare DIR_A DIR_B [DIR_C ...] [--out OUT] [--pdf [--paper a4|letter]]
      compare 2 to 8 results folders (the first the reference) in OUT/compare.html (default ./comparison):
      did the ranking flip, which strategies moved beyond their Monte Carlo error, what inputs changed
  hashpivot validate FILE [--set PATH=VALUE ...] [--process-module FILE]   check a scenario (FILE, preset or -) and list every problem
  hashpivot presets            list the built-in scenarios
  hashpivot calibrate [--price FILE] [--difficulty FILE] [--from YYYY-MM] [--to YYYY-MM] [--out FILE.yaml] [--series fees|energy=FILE[:COLUMN]]
      fit the market processes to history (default: the shipped history) into a scenario fragment
  hashpivot backtest --as-of YYYY-MM [--as-of ...] [--months N] [--trials N] [--seed S] [--hashrate-trend MONTHS] [--out DIR]
                     [--price FILE] [--difficulty FILE] [--series fees|energy=FILE[:COLUMN]]
      start the engine from a historical date (shipped history or your files) and compare the simulated
      distribution with what happened
  (each command answers --help)
`;

/** Commands whose usage is the section of USAGE that starts with their name (the others answer --help themselves). */
const USAGE_SECTIONS = new Set(['run', 'merge', 'worker', 'study', 'report', 'compare', 'validate', 'presets']);

/** The lines of USAGE about one command. */
function commandUsage(command: string): string {
  const lines = USAGE.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  hashpivot ${command} `));
  const end = lines.findIndex((line, i) => i > start && /^ {2}(hashpivot |\()/.test(line));
  return `Usage:\n${lines.slice(start, end).join('\n')}\n`;
}

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = {
  run: runCommand,
  study: studyCommand,
  report: reportCommand,
  compare: compareCommand,
  merge: mergeCommand,
  validate: validateCommand,
  presets: presetsCommand,
  calibrate: calibrateCommand,
  backtest: backtestCommand,
  // Loaded on use: BullMQ and the Redis client take longer to import than a local run takes to start.
  worker: async (args) => (await import('./commands/worker.js')).workerCommand(args),
};

export async function main(argv: string[]): Promise<number> {
  toleratePipeClose(process.stdout);
  toleratePipeClose(process.stderr);
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      // No command is a command line that says nothing to do: the usage, on stderr, as a usage error.
      writeErr(USAGE);
      return 2;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      writeOut(USAGE);
      return 0;
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) throw new UsageError(`unknown command "${command}"`);
    if (USAGE_SECTIONS.has(command) && (rest.includes('--help') || rest.includes('-h'))) {
      writeOut(commandUsage(command));
      return 0;
    }
    return await run(rest);
  } catch (error) {
    if (error instanceof ScenarioError) {
      writeErr(`Scenario has ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}:\n${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      // The command's own usage, not every command's: the line that matters stays on the screen.
      const usage = command !== undefined && USAGE_SECTIONS.has(command) ? `${commandUsage(command)}  (hashpivot --help lists every command)\n` : USAGE;
      writeErr(`hashpivot: ${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    if (
      error instanceof OutputFolderError || error instanceof PdfError || error instanceof RunFailure || error instanceof ProcessModuleError ||
      error instanceof ResultsInputError || error instanceof MergeError || error instanceof ShardFolderError || error instanceof RedisUnreachable ||
      error instanceof NonFiniteOutputError || error instanceof PolicyFileError || error instanceof UserSeriesError || error instanceof ModelInputError
    ) {
      writeErr(`hashpivot: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;
