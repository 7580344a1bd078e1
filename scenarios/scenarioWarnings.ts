// What a valid scenario may still get wrong without changing a number: fields its choices make
// the engine ignore, and an as-of state whose numbers disagree (a unit slip). Reported by
// `validate` and `run` on stderr; the run goes ahead.
import { HASHES_PER_DIFFICULTY, TARGET_BLOCK_SECONDS } from '../engine/bitcoin.js';
import { siteHashrateEhs, siteShareOfNetwork } from './numericDomain.js';
import { ignoredPriceFieldWarnings } from './priceModelChecks.js';
import type { ScenarioProblem } from './scenarioError.js';
import { DEFAULT_CORRELATION, FACTORS, type Scenario } from './schema.js';

export function scenarioWarnings(scenario: Scenario): ScenarioProblem[] {
  return [
    ...ignoredPriceFieldWarnings(scenario),
    ...bootstrapCorrelationWarnings(scenario),
    ...hashrateDifficultyWarnings(scenario),
    ...siteShareWarnings(scenario),
    ...conversionAfterHorizonWarnings(scenario),
  ];
}

/** Above this share of the network's hashrate the site would move the difficulty it is paid by. */
export const SITE_SHARE_OF_NETWORK_WARNING = 0.1;

/**
 * The network's hashrate is simulated as given, the site's own included: its share of the block
 * reward is its hashrate over the network's. A site that is a large part of the network would move
 * the difficulty itself (the model does not), and one larger than the network would mine more than
 * every block: validation refuses that (numericDomain.ts), this warns well before.
 */
function siteShareWarnings(scenario: Scenario): ScenarioProblem[] {
  const share = siteShareOfNetwork(scenario);
  if (!(share > SITE_SHARE_OF_NETWORK_WARNING)) return [];
  return [
    {
      path: 'site.powerMw with site.efficiencyJPerTh and asOf.networkHashrateEhs',
      message: `the site's ${siteHashrateEhs(scenario).toPrecision(3)} EH/s are ${(100 * share).toPrecision(3)}% of the network's ${Number(scenario.asOf.networkHashrateEhs.toPrecision(4))} EH/s at the as-of date: the model takes the network's hashrate as given and would not let the site move the difficulty`,
      allowed: `a site under ${100 * SITE_SHARE_OF_NETWORK_WARNING}% of the network (powerMw / efficiencyJPerTh in EH/s), or read its mining results as an upper bound`,
    },
  ];
}

/** A strategy told to convert at or after the horizon never does: it is stay under another name. */
function conversionAfterHorizonWarnings(scenario: Scenario): ScenarioProblem[] {
  return scenario.strategies.flatMap((strategy, i) =>
    'atMonth' in strategy && typeof strategy.atMonth === 'number' && strategy.atMonth >= scenario.horizonMonths
      ? [{
          path: `strategies[${i}].atMonth`,
          message: `is ${strategy.atMonth}, at or after the horizon (horizonMonths ${scenario.horizonMonths}): ${strategy.name} never converts within it, and its results are those of not converting`,
          allowed: `a month below ${scenario.horizonMonths}, or a longer horizonMonths`,
        }]
      : [],
  );
}

/**
 * Bootstrap resamples history's monthly returns: the price's correlation with the other factors is
 * history's, and the price row of market.correlation (imposed on every other model's shocks) is not.
 */
function bootstrapCorrelationWarnings(scenario: Scenario): ScenarioProblem[] {
  if (scenario.market.price.model !== 'bootstrap') return [];
  const row = scenario.market.correlation[0];
  if (row.every((x, j) => x === DEFAULT_CORRELATION[0][j])) return [];
  return [
    {
      path: 'market.correlation',
      message: `its price row (${row.slice(1).map((x, j) => `${FACTORS[j + 1]} ${x}`).join(', ')}) is not imposed by model bootstrap, whose price returns are history's: the price moves with the other factors as it did in history, whatever these values`,
      allowed: 'leave the price row at its default, or choose a model that reads it (merton, gbm, regimes)',
    },
  ];
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
