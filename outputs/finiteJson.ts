// JSON for result files. JSON.stringify writes NaN and ±Infinity as null without a word, which would
// put an unnamed "no value" where a number went wrong. Numbers that may be absent are made null on
// purpose where they are computed (statistics.ts); one still not finite here is a defect: the write
// stops, naming the file and the field, and nothing is written.

export class NonFiniteOutputError extends Error {}

/** The path of the first number in `value` that is not finite, or null. */
function nonFinitePath(value: unknown, path: string): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} is ${value}`;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nonFinitePath(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value)) {
    const found = nonFinitePath(child, path === '' ? key : `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}

/** `value` as indented JSON with a final newline; throws NonFiniteOutputError naming `file` and the field of a NaN or infinity. */
export function finiteJson(value: unknown, file: string): string {
  const found = nonFinitePath(value, '');
  if (found !== null) {
    throw new NonFiniteOutputError(`${file}: ${found}: a number left the range a double holds, so nothing was written; please report the scenario (validation should have refused it)`);
  }
  return `${JSON.stringify(value, null, 2)}\n`;
}
