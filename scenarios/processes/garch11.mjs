// A worked example of a price process of one's own (market.price.model: custom): GARCH(1,1) on
// monthly log returns (Bollerslev 1986), so that a calm month follows a calm one and a wild month a
// wild one, which the built-in GBM and Merton models do not do. Run it with
//
//   npx hashpivot run scenarios/processes/garch11.yaml --process-module scenarios/processes/garch11.mjs
//
// The engine hands the step each trial's draws; this one uses only the month's price shock, which
// keeps its correlation with the other factors (market.correlation). Everything it computes comes
// from its parameters and those draws, and it keeps nothing between trials: the run is the same for
// any number of workers. Plain JavaScript (an ES module) so that Node loads it as it is; the types
// are engine/priceProcess.ts's.
//
// Model, with h the variance of the month's log return:
//   r_m = mu dt - h_m / 2 + sqrt(h_m) z_m          (so E[exp(r_m) | h_m] = exp(mu dt))
//   h_{m+1} = omega + alpha h_m z_m^2 + beta h_m
// started at the unconditional variance omega / (1 - alpha - beta) unless initialVariance is given.

const DEFAULTS = { driftPerYear: 0.1, initialVariance: undefined };

function number(raw, key, check, allowed) {
  const value = raw[key] ?? DEFAULTS[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw new Error(`${key} is ${JSON.stringify(value)}; allowed: ${allowed}`);
  }
  return value;
}

/** @type {import('../../engine/priceProcess.js').PriceProcess<{ driftPerYear: number, omega: number, alpha: number, beta: number, initialVariance: number }>} */
export const priceProcess = {
  name: 'garch11',

  parameters(raw) {
    for (const key of Object.keys(raw)) {
      if (!['driftPerYear', 'omega', 'alpha', 'beta', 'initialVariance'].includes(key)) {
        throw new Error(`${key} is not a parameter of garch11; allowed: driftPerYear, omega, alpha, beta, initialVariance`);
      }
    }
    const driftPerYear = number(raw, 'driftPerYear', (x) => x >= -2 && x <= 2, 'a number from -2 to 2 (per year)');
    const omega = number(raw, 'omega', (x) => x > 0 && x < 1, 'a number above 0 and below 1 (monthly variance)');
    const alpha = number(raw, 'alpha', (x) => x >= 0 && x < 1, 'a number from 0 to below 1');
    const beta = number(raw, 'beta', (x) => x >= 0 && x < 1, 'a number from 0 to below 1');
    if (!(alpha + beta < 1)) throw new Error(`alpha + beta is ${alpha + beta}; allowed: below 1 (else the variance has no long-run level)`);
    const unconditional = omega / (1 - alpha - beta);
    const initialVariance = raw.initialVariance === undefined ? unconditional : number(raw, 'initialVariance', (x) => x > 0 && x < 1, 'a number above 0 and below 1 (monthly variance)');
    return { driftPerYear, omega, alpha, beta, initialVariance };
  },

  create(p, context) {
    const driftPerMonth = p.driftPerYear * context.dtYears;
    return {
      simulate(draws, logPriceOut) {
        let logPrice = context.logPrice0;
        let variance = p.initialVariance;
        for (let m = 0; m < draws.months; m++) {
          logPriceOut[m] = logPrice;
          const z = draws.shock[m];
          logPrice += driftPerMonth - variance / 2 + Math.sqrt(variance) * z;
          variance = p.omega + p.alpha * variance * z * z + p.beta * variance;
        }
      },
    };
  },
};
