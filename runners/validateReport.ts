#!/usr/bin/env node
// `npm run validate`: runs the checks of runners/validation.ts and prints what the engine is
// checked against and the result of each, as a Markdown table. Exit code 1 if any check fails.
import { runValidation, validationTable } from './validation.js';

const started = performance.now();
const results = await runValidation();
const failed = results.filter((r) => r.status === 'FAIL');
process.stdout.write(validationTable(results));
process.stdout.write(
  `\n${results.length - failed.length - results.filter((r) => r.status === 'INFO').length} passed, ${failed.length} failed, ` +
    `${results.filter((r) => r.status === 'INFO').length} reported (INFO) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
