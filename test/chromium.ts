// Where the browser tests find Chromium, and whether they run: without it they are skipped with a
// message, except in CI (CI=true), where they fail (.ci/run installs Debian's chromium and
// poppler-utils). The launch flags are the ones report.pdf is printed with (outputs/pdf.ts).
import { existsSync } from 'node:fs';
import { chromiumPath } from '../outputs/pdf.js';

export { CHROMIUM_ARGS } from '../outputs/pdf.js';

export const CHROMIUM = chromiumPath();
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const IN_CI = Boolean(process.env.CI);

/** Skip the suite (saying so) when a tool is missing outside CI; in CI the suite runs and fails. */
export function skipWithout(file: string, tools: { name: string; present: boolean; install: string }[]): boolean {
  const missing = tools.filter((t) => !t.present);
  if (missing.length === 0 || IN_CI) return false;
  console.warn(`${file}: SKIPPED - missing ${missing.map((t) => `${t.name} (${t.install})`).join(', ')}. In CI this suite runs and fails without it.`);
  return true;
}
