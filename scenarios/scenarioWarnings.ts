// What a valid scenario may still get wrong without changing a number: fields its choices make
// the engine ignore, and an as-of state whose numbers disagree (a unit slip). Reported by
// `validate` and `run` on stderr; the run goes ahead.
import { HASHES_PER_DIFFICULTY, TARGET_BLOCK_SECONDS } from '../engine/bitcoin.js';
import { ignoredPriceFieldWarnings } from './priceModelChecks.js';
import type { ScenarioProblem } from './scenarioError.js';
import type { Scenario } from './schema.js';

export function scenarioWarnings(scenario: Scenario): ScenarioProblem[] {
  return [...ignoredPriceFieldWarnings(scenario), ...hashrateDifficultyWarnings(scenario)];
}

/** Hashrate and difficulty further apart than this factor (either way) are a warning. */
export const HASHRATE_DIFFICULTY_TOLERANCE = 3;

const UNIT_SLIPS: readonly { factor: number; unit: string }[] = [
  { factor: 1e18, unit: 'H/s' },
  { factor: 1e15, unit: 'kH/s' },
  { factor: 1e12, unit: 'MH/s' },
  { factor: 1e9, unit: 'GH/s' },
  { factor: 1e6, unit: 'TH/s' },
  { factor: 1e3, unit: 'PH/s' },
  { factor: 1e-3, unit: 'ZH/s' },
];

/**
 * The network finds a block every 600 s on average at the hashrate D x 2^32 / 600 s, so the as-of
 * hashrate and difficulty are tied (Bitcoin's retarget keeps them so, within the weeks since the
 * last one): far apart, one of them was typed in another unit (H/s for EH/s) or copied from
 * another date, and the first months of every trial would run on a chain that does not exist.
 */
function hashrateDifficultyWarnings(scenario: Scenario): ScenarioProblem[] {
  const { networkHashrateEhs, difficulty } = scenario.asOf;
  const impliedEhs = (difficulty * HASHES_PER_DIFFICULTY) / TARGET_BLOCK_SECONDS / 1e18;
  const ratio = networkHashrateEhs / impliedEhs;
  if (ratio <= HASHRATE_DIFFICULTY_TOLERANCE && ratio >= 1 / HASHRATE_DIFFICULTY_TOLERANCE) return [];
  const slip = UNIT_SLIPS.find(({ factor }) => ratio / factor <= HASHRATE_DIFFICULTY_TOLERANCE && ratio / factor >= 1 / HASHRATE_DIFFICULTY_TOLERANCE);
  const times = ratio >= 1 ? `${ratio.toPrecision(2)} times` : `1/${(1 / ratio).toPrecision(2)} of`;
  return [
    {
      path: 'asOf.networkHashrateEhs with asOf.difficulty',
      message:
        `${networkHashrateEhs} EH/s is ${times} the ${impliedEhs.toPrecision(3)} EH/s that the difficulty ${difficulty} implies (difficulty x 2^32 / 600 s)` +
        (slip ? `: the hashrate typed in ${slip.unit}, or the difficulty off by that factor?` : ''),
      allowed: `a hashrate in EH/s (1 EH/s = 1e18 H/s) within a factor ${HASHRATE_DIFFICULTY_TOLERANCE} of difficulty x 2^32 / 600 s; check both against the same date`,
    },
  ];
}

/** One line per warning: `origin: warning: path: what (fix: ...)`. */
export function formatWarnings(origin: string, warnings: readonly ScenarioProblem[]): string {
  return warnings.map((w) => `${origin}: warning: ${w.path}: ${w.message} (fix: ${w.allowed})\n`).join('');
}
