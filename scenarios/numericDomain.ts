// Where the price model's numbers still mean what the scenario says, across fields that each lie in
// their own range. Merton's jumps are compensated (drift minus lambda (e^{muJ + sJ^2/2} - 1)) so the
// expected price stays S0 e^{mu t}; a volatility or jump width large for its horizon keeps that
// expectation only in paths too rare for any run to draw: every trial then shows the price sinking
// towards 0 (jumpSdLog 3: the compensation is 81 per year) while the scenario promises growth. The
// measure is the log of the horizon price's second moment over its squared mean (Merton 1976: for
// a jump-diffusion, sigma^2 T + lambda T (e^{2 muJ + 2 sJ^2} - 2 e^{muJ + sJ^2/2} + 1); for a
// lognormal it is the variance of ln price): the relative SD of the price is sqrt(e^that - 1), and
// the Monte Carlo error of any mean driven by it is that over sqrt(trials). Checked once on the
// parsed scenario: a few exponentials, nothing per month.
//
// The network hashrate answers the hashprice gap of responseLagMonths ago, and the gap answers the
// hashrate through the next retarget: ln H steps by -a x (ln H a lag ago), a = responsePerYear / 12,
// a delayed negative feedback. Such a loop is stable only for a < 2 sin(pi / (2 (2L + 1))) (the
// roots of z^(L+1) - z^L + a inside the unit circle; Levin & May 1976), L the delay in months,
// here the lag plus one month for the retarget. Above it every swing of the hashrate is larger than
// the last until the network's hashrate overflows a double or dies.
//
// Every factor is simulated in logs, and its path must stay where a double and the products and
// sums of squares made from it stay finite: at 8 standard deviations, at most e^300 (~2e130) from 1.
// The envelope of ln x over T months, with a month's mean step d, variance v and reversion decay
// q (1 for a random walk): max(|ln x0|, |ln level|) + |d| (1 - q^T) / (1 - q) + 8 sqrt(v (1 - q^2T) / (1 - q^2)).
import type { ScenarioProblem } from './scenarioError.js';
import type { Scenario } from './schema.js';

/** ln(E[S_T^2] / E[S_T]^2) at most 50: the horizon price's relative SD at most e^25 (~7e10). */
export const MAX_LOG_SECOND_MOMENT = 50;

/** ln of the largest (or smallest) value a factor may reach at 8 standard deviations. */
export const MAX_LOG_ENVELOPE = 300;

const PATH = 'market.price';

export const NUMERIC_DOMAIN_RULES: readonly { path: string; rule: string }[] = [
  {
    path: 'market.hashrate.responsePerYear with responseLagMonths',
    rule: 'responsePerYear <= 24 sin(pi / (2 (2 (responseLagMonths + 1) + 1))) (e.g. 2.5 at a lag of 6 months, 0.51 at 36): above it the delayed response overshoots, each swing of the network hashrate larger than the last',
  },
  {
    path: 'market.* and asOf with horizonMonths',
    rule: `every factor (price, hashrate, fees, energy with its spikes, AI demand, GPU price) within e^${MAX_LOG_ENVELOPE} of 1 at 8 standard deviations over the horizon: |ln start| + |mean monthly log step| x (months it lasts) + 8 sd, reversion counted`,
  },
  {
    path: 'site.powerMw with site.efficiencyJPerTh and asOf.networkHashrateEhs',
    rule: 'the site\'s hashrate at the as-of date (powerMw / efficiencyJPerTh EH/s) at most the network\'s: it is part of it (above 10% of it is a warning: the model does not let the site move the difficulty)',
  },
  {
    path: 'market.hashrate, fees, energy and aiDemand with horizonMonths',
    rule: `the variance of each factor's log at the horizon (its volatility and jumps, less what reversion takes back) at most ${MAX_LOG_SECOND_MOMENT}, as for the price: beyond it the factor's mean lives in paths no run draws (fees with no reversion at 3/yr over 10 years: 90)`,
  },
  {
    path: `${PATH} with horizonMonths`,
    rule:
      `ln(E[S_T^2] / E[S_T]^2) <= ${MAX_LOG_SECOND_MOMENT} over the horizon T (merton and gbm: volatilityPerYear^2 T + jumpsPerYear T (e^(2 jumpMeanLog + 2 jumpSdLog^2) - 2 e^(jumpMeanLog + jumpSdLog^2/2) + 1); ` +
      'regimes: the larger regime volatility squared times T): beyond it the expected price lives in paths no run draws, and every trial shows the price sinking to 0',
  },
];

const ENVELOPE_SDS = 8;
const MONTHS_PER_YEAR = 12;

interface LogProcess {
  /** Where the factor's fields live (named in the problem). */
  path: string;
  fields: string;
  /** |ln| of the start and of the level it reverts to. */
  logStart: number;
  driftPerMonth: number;
  variancePerMonth: number;
  /** e^(-kappa dt): 1 for a random walk. */
  decay: number;
  /** The largest power the engine raises the factor to (the AI index: the lease elasticity). */
  exponent: number;
}

/** Sum of q^k for k < n: the months a step's effect lasts within the horizon. */
function geometricMonths(q: number, n: number): number {
  return q >= 1 ? n : (1 - q ** n) / (1 - q);
}

export function logEnvelope(p: LogProcess, months: number): number {
  const logs = p.logStart + Math.abs(p.driftPerMonth) * geometricMonths(p.decay, months) + ENVELOPE_SDS * Math.sqrt(p.variancePerMonth * geometricMonths(p.decay * p.decay, months));
  return p.exponent * logs;
}

/** The log processes of a scenario: every factor the market simulates. */
function logProcesses(scenario: Scenario): LogProcess[] {
  const { asOf, market } = scenario;
  const { price, hashrate, fees, energy, aiDemand } = market;
  const decayOf = (reversionPerYear: number) => Math.exp(-reversionPerYear / MONTHS_PER_YEAR);
  const perMonth = (perYear: number) => perYear / MONTHS_PER_YEAR;
  const processes: LogProcess[] = [];
  const logPrice0 = Math.abs(Math.log(asOf.priceUsd));
  if (price.model === 'merton' || price.model === 'gbm') {
    const jumps = price.model === 'merton' ? perMonth(price.jumpsPerYear) : 0;
    const compensation = jumps * (Math.exp(price.jumpMeanLog + 0.5 * price.jumpSdLog ** 2) - 1);
    processes.push({
      path: PATH,
      fields: `asOf.priceUsd, ${PATH}.driftPerYear, volatilityPerYear, jumpsPerYear, jumpMeanLog, jumpSdLog`,
      logStart: logPrice0,
      driftPerMonth: perMonth(price.driftPerYear - 0.5 * price.volatilityPerYear ** 2) - compensation + jumps * price.jumpMeanLog,
      variancePerMonth: perMonth(price.volatilityPerYear ** 2) + jumps * (price.jumpMeanLog ** 2 + price.jumpSdLog ** 2),
      decay: 1,
      exponent: 1,
    });
  } else if (price.model === 'regimes' && price.regimes !== undefined) {
    const { bull, bear } = price.regimes;
    const step = (r: typeof bull) => Math.abs(perMonth(r.driftPerYear - 0.5 * r.volatilityPerYear ** 2));
    processes.push({
      path: `${PATH}.regimes`,
      fields: `asOf.priceUsd, ${PATH}.regimes.bull/bear.driftPerYear and volatilityPerYear`,
      logStart: logPrice0,
      driftPerMonth: Math.max(step(bull), step(bear)),
      variancePerMonth: perMonth(Math.max(bull.volatilityPerYear, bear.volatilityPerYear) ** 2),
      decay: 1,
      exponent: 1,
    });
  }
  processes.push({
    path: 'market.hashrate',
    fields: 'asOf.networkHashrateEhs, market.hashrate.growthPerYear, volatilityPerYear',
    logStart: Math.abs(Math.log(asOf.networkHashrateEhs * 1e18)),
    driftPerMonth: perMonth(hashrate.growthPerYear),
    variancePerMonth: perMonth(hashrate.volatilityPerYear ** 2),
    decay: 1,
    exponent: 1,
  });
  processes.push({
    path: 'market.fees',
    fields: 'asOf.feesBtcPerBlock, market.fees.meanBtcPerBlock, reversionPerYear, volatilityPerYear',
    logStart: Math.max(Math.abs(Math.log(Math.max(asOf.feesBtcPerBlock, 1e-8))), Math.abs(Math.log(fees.meanBtcPerBlock))),
    driftPerMonth: 0,
    variancePerMonth: perMonth(fees.volatilityPerYear ** 2),
    decay: decayOf(fees.reversionPerYear),
    exponent: 1,
  });
  const spikes = perMonth(energy.spikesPerYear);
  processes.push({
    path: 'market.energy',
    fields: 'asOf.energyUsdPerMwh, market.energy.meanUsdPerMwh, summerUplift, reversionPerYear, volatilityPerYear, spikesPerYear, spikeMeanLog, spikeSdLog',
    logStart: Math.max(Math.abs(Math.log(asOf.energyUsdPerMwh)), Math.abs(Math.log(energy.meanUsdPerMwh)) + Math.abs(Math.log1p(energy.summerUplift))),
    driftPerMonth: spikes * energy.spikeMeanLog,
    variancePerMonth: perMonth(energy.volatilityPerYear ** 2) + spikes * (energy.spikeMeanLog ** 2 + energy.spikeSdLog ** 2),
    decay: decayOf(energy.reversionPerYear),
    exponent: 1,
  });
  processes.push({
    path: 'market.aiDemand',
    fields: 'asOf.aiDemandIndex, market.aiDemand.reversionPerYear, volatilityPerYear, hosting.leaseElasticity (the lease rate is base x index^elasticity)',
    logStart: Math.abs(Math.log(asOf.aiDemandIndex)) + Math.abs(Math.log(aiDemand.winterIndexFactor)),
    driftPerMonth: 0,
    variancePerMonth: perMonth(aiDemand.volatilityPerYear ** 2),
    decay: decayOf(aiDemand.reversionPerYear),
    exponent: Math.max(1, scenario.hosting.leaseElasticity),
  });
  processes.push({
    path: 'market.aiDemand.gpuVolatilityPerYear',
    fields: 'asOf.gpuUsdPerHour, market.aiDemand.gpuVolatilityPerYear, gpuPriceDeclinePerYear',
    logStart: Math.abs(Math.log(asOf.gpuUsdPerHour)),
    driftPerMonth: perMonth(Math.log(1 - aiDemand.gpuPriceDeclinePerYear)),
    variancePerMonth: perMonth(aiDemand.gpuVolatilityPerYear ** 2),
    decay: 1,
    exponent: 1,
  });
  return processes;
}

function envelopeProblems(scenario: Scenario): ScenarioProblem[] {
  const months = scenario.horizonMonths;
  return logProcesses(scenario)
    .map((p) => ({ p, envelope: logEnvelope(p, months) }))
    .filter(({ envelope }) => !(envelope <= MAX_LOG_ENVELOPE))
    .map(({ p, envelope }) => ({
      path: `${p.path} with horizonMonths`,
      message: `within ${ENVELOPE_SDS} standard deviations over ${months} months this factor reaches e^${envelope.toPrecision(3)} (or e^-${envelope.toPrecision(3)}): its products and sums of squares leave the range of a double`,
      allowed: `at most e^${MAX_LOG_ENVELOPE} either way: lower ${p.fields} (their drift, volatility or jumps), raise the reversion, or shorten horizonMonths`,
    }));
}

/** The largest stable hashrate response (per year) for a lag in months: see above. */
export function maxStableResponsePerYear(responseLagMonths: number): number {
  const delayMonths = responseLagMonths + 1;
  return 12 * 2 * Math.sin(Math.PI / (2 * (2 * delayMonths + 1)));
}

/** The log second-moment ratio of the horizon price, or null for models it does not describe (bootstrap: bounded history; custom: probed on load). */
export function logSecondMomentRatio(scenario: Scenario): number | null {
  const price = scenario.market.price;
  const years = scenario.horizonMonths / 12;
  if (price.model === 'merton' || price.model === 'gbm') {
    const jumpsPerYear = price.model === 'merton' ? price.jumpsPerYear : 0;
    const mean = Math.exp(price.jumpMeanLog + 0.5 * price.jumpSdLog ** 2);
    const square = Math.exp(2 * price.jumpMeanLog + 2 * price.jumpSdLog ** 2);
    return price.volatilityPerYear ** 2 * years + jumpsPerYear * years * (square - 2 * mean + 1);
  }
  if (price.model === 'regimes' && price.regimes !== undefined) {
    return Math.max(price.regimes.bull.volatilityPerYear, price.regimes.bear.volatilityPerYear) ** 2 * years;
  }
  return null;
}

/** The site's hashrate, EH/s: 1 MW at 1 J/TH is 1e6 TH/s. */
export function siteHashrateEhs(scenario: Scenario): number {
  return scenario.site.powerMw / scenario.site.efficiencyJPerTh;
}

/** The site's hashrate over the network's at the as-of date. */
export function siteShareOfNetwork(scenario: Scenario): number {
  return siteHashrateEhs(scenario) / scenario.asOf.networkHashrateEhs;
}

/** A site cannot be more than the network it is part of: it would mine more than every block. */
function siteShareProblems(scenario: Scenario): ScenarioProblem[] {
  const share = siteShareOfNetwork(scenario);
  if (share <= 1) return [];
  return [
    {
      path: 'site.powerMw with site.efficiencyJPerTh and asOf.networkHashrateEhs',
      message: `the site's ${siteHashrateEhs(scenario).toPrecision(3)} EH/s are ${share.toPrecision(3)} times the network's ${Number(scenario.asOf.networkHashrateEhs.toPrecision(4))} EH/s at the as-of date, of which they are part: the site would mine more than every block`,
      allowed: 'powerMw / efficiencyJPerTh (EH/s) below asOf.networkHashrateEhs; check the units (MW, J/TH, EH/s) and the as-of date',
    },
  ];
}

/** Problems of a scenario that parsed: combinations of in-range fields outside the model's numeric domain. */
export function numericDomainProblems(scenario: Scenario): ScenarioProblem[] {
  const moment = [...priceMomentProblems(scenario), ...factorMomentProblems(scenario)];
  // The moment rule says more about a factor than its envelope: report one of them.
  return [...siteShareProblems(scenario), ...hashrateLoopProblems(scenario), ...moment, ...envelopeProblems(scenario).filter((p) => !moment.some((m) => m.path === p.path))];
}

/**
 * ln(E[X^2] / E[X]^2) of every factor but the price (which has its own rule above), at the horizon:
 * for a log-normal factor the variance of its log, a month's variance summed over the months it
 * lasts under reversion. Revenue is linear in fees and energy costs in the energy price: a mean
 * carried by paths no run draws makes every run's mean NPV noise.
 */
function factorMomentProblems(scenario: Scenario): ScenarioProblem[] {
  const months = scenario.horizonMonths;
  return logProcesses(scenario)
    .filter((p) => !p.path.startsWith(PATH))
    .map((p) => ({ p, ratio: p.exponent ** 2 * p.variancePerMonth * geometricMonths(p.decay * p.decay, months) }))
    .filter(({ ratio }) => !(ratio <= MAX_LOG_SECOND_MOMENT))
    .map(({ p, ratio }) => ({
      path: `${p.path} with horizonMonths`,
      message: `over ${months} months this factor's relative SD would be e^${(ratio / 2).toPrecision(3)} (the variance of its log ${ratio.toPrecision(3)}): its mean would live only in paths no run draws, and a run's mean NPV would be noise`,
      allowed: `a variance of the log at most ${MAX_LOG_SECOND_MOMENT}: lower the volatility or jumps (${p.fields}), raise the reversion, or shorten horizonMonths`,
    }));
}

function hashrateLoopProblems(scenario: Scenario): ScenarioProblem[] {
  const { responsePerYear, responseLagMonths } = scenario.market.hashrate;
  const limit = maxStableResponsePerYear(responseLagMonths);
  if (responsePerYear <= limit) return [];
  return [
    {
      path: 'market.hashrate.responsePerYear with responseLagMonths',
      message:
        `a response of ${responsePerYear}/yr to the hashprice gap of ${responseLagMonths} months ago overshoots: each swing of the network hashrate would be larger than the last ` +
        '(a delayed feedback is unstable above its limit) until the hashrate overflows or dies',
      allowed: `responsePerYear <= ${limit.toPrecision(3)} at a lag of ${responseLagMonths} months, or a shorter responseLagMonths`,
    },
  ];
}

function priceMomentProblems(scenario: Scenario): ScenarioProblem[] {
  const ratio = logSecondMomentRatio(scenario);
  if (ratio === null || ratio <= MAX_LOG_SECOND_MOMENT) return [];
  const price = scenario.market.price;
  const jumpy = price.model === 'merton' && price.jumpsPerYear > 0 && price.jumpSdLog > 0;
  const fields =
    price.model === 'regimes'
      ? `${PATH}.regimes.bull/bear.volatilityPerYear`
      : jumpy
        ? `${PATH}.volatilityPerYear, jumpsPerYear, jumpMeanLog, jumpSdLog`
        : `${PATH}.volatilityPerYear`;
  const compensation = jumpy ? `; the jump compensation lambda (e^(muJ + sJ^2/2) - 1) is ${(price.jumpsPerYear * (Math.exp(price.jumpMeanLog + 0.5 * price.jumpSdLog ** 2) - 1)).toPrecision(3)}/yr` : '';
  return [
    {
      path: `${PATH} with horizonMonths`,
      message:
        `over ${scenario.horizonMonths} months the BTC price's relative SD would be e^${(ratio / 2).toPrecision(3)} (ln E[S^2]/E[S]^2 = ${ratio.toPrecision(3)}${compensation}): ` +
        'the expected price would live only in paths no run draws, and every trial would show the price sinking towards 0',
      allowed: `ln E[S^2]/E[S]^2 <= ${MAX_LOG_SECOND_MOMENT}: lower ${fields} or horizonMonths`,
    },
  ];
}
