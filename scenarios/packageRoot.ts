// Where the package lives, so shipped data (scenarios/presets) is found the same way from the
// TypeScript sources (scenarios/*.ts under vitest) and from the build (dist/scenarios/*.js).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The nearest folder at or above this module that holds a package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return (root = dir);
    if (dirname(dir) === dir) throw new Error(`no package.json found above ${start}`);
  }
}
