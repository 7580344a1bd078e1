// "Did you mean ...?" for misspelt field names, strategy kinds and choices.

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of adjacent letters (optimal
 * string alignment): a swap ("gmb" for "gbm") is the commonest typo and should cost one edit, not two.
 */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

// Case and separators are the usual slips (power_mw, PowerMW), so they cost nothing.
const normalise = (name: string) => name.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The candidate closest to `given`, or undefined when none is plausibly what was meant.
 * Plausible: within half the candidate's length in edits (so "powr" finds "powerMw" but "x" finds
 * nothing), or a prefix of at least 3 letters ("power" finds "powerMw").
 */
export function closestName(given: string, candidates: readonly string[]): string | undefined {
  const g = normalise(given);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const c = normalise(candidate);
    const distance = editDistance(g, c);
    const isPrefix = g.length >= 3 && (c.startsWith(g) || g.startsWith(c));
    if (!isPrefix && distance > Math.max(1, Math.floor(Math.max(g.length, c.length) / 2))) continue;
    // A prefix match beats an equal edit distance: "power" means powerMw more than poolFee.
    const score = distance - (isPrefix ? 0.5 : 0);
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}
