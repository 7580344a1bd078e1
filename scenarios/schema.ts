// The scenario schema: every field with its unit, default, allowed range and meaning, in one place.
// Validation, defaults, the TypeScript types and the README's field table all derive from it.
// Objects are strict: a misspelt field is an error, never a silent fall-back to a default.
import { z } from 'zod';
import { CREDIT_GRADES } from '../engine/creditGrades.js';
import { MAX_TRANCHES } from '../engine/hosting.js';
import { BASIS_KINDS } from '../engine/regressionBasis.js';
import { SWITCH_STATE_VARIABLES } from '../engine/switchState.js';

type FieldDoc = {
  unit: string;
  description: string;
};

/** A number field with a unit, a default and a closed range [min, max]. */
function quantity(doc: FieldDoc, defaultValue: number, min: number, max: number) {
  return z.number().min(min).max(max).default(defaultValue).meta(doc);
}

function positive(doc: FieldDoc, defaultValue: number, max = Number.MAX_VALUE) {
  return z.number().positive().max(max).default(defaultValue).meta(doc);
}

/**
 * Lower bounds where "> 0" let the smallest doubles through, whose reciprocals overflow in a run
 * (a site of 1e-300 J/TH, a breakeven of 5e-324, GPUs of 5e-324 kW): 1,000 times below any real fleet or power price,
 * and where the numeric-domain property test starts drawing them.
 */
const MIN_EFFICIENCY_J_PER_TH = 0.001;
const MIN_POWER_USD_PER_MWH = 0.001;
const MIN_KW_PER_GPU = 0.001;

function wholeMonths(doc: FieldDoc, defaultValue: number, min: number, max: number) {
  return z.number().int().min(min).max(max).default(defaultValue).meta(doc);
}

/** One of a few named values, with its default. */
function choice<const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number], description: string) {
  return z.enum(values).default(defaultValue as never).meta({ unit: 'choice', description });
}

const share = (description: string, defaultValue: number) =>
  quantity({ unit: 'share 0..1', description }, defaultValue, 0, 1);

const perYear = (description: string, defaultValue: number, min = 0, max = 10) =>
  quantity({ unit: '1/yr', description }, defaultValue, min, max);

/** Factor order of the correlation matrix. */
export const FACTORS = ['price', 'hashrate', 'fees', 'energy', 'aiDemand'] as const;
export type Factor = (typeof FACTORS)[number];

/** Longest chain of `extends:` (a scenario extending one that extends another ...). */
export const MAX_EXTENDS_DEPTH = 16;

const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

const asOf = z
  .strictObject({
    date: z
      .string()
      .regex(monthPattern, 'must be a month written YYYY-MM, e.g. 2025-11')
      .meta({ unit: 'YYYY-MM', description: 'Month the state below was observed; month 0 of the simulation starts here.' }),
    blockHeight: z.number().int().min(0).max(6_929_999).meta({ unit: 'blocks', description: 'Chain height at the as-of date.' }),
    difficulty: z.number().min(1).max(1e30).meta({ unit: 'difficulty (x 2^32 hashes per block)', description: 'Network difficulty at the as-of date (at least 1: the proof-of-work limit).' }),
    secondsSinceRetarget: z
      .number().min(0).optional()
      .meta({ unit: 's', description: 'Time since the last retarget (blockHeight mod 2016 blocks ago); when absent, the time those blocks take at the as-of hashrate and difficulty.' }),
    networkHashrateEhs: z.number().positive().max(1e12).meta({ unit: 'EH/s', description: 'Network hashrate at the as-of date.' }),
    priceUsd: z.number().positive().max(1e12).meta({ unit: 'USD/BTC', description: 'BTC price at the as-of date.' }),
    feesBtcPerBlock: z.number().min(0).max(1e4).meta({ unit: 'BTC/block', description: 'Average transaction fees per block.' }),
    energyUsdPerMwh: z.number().positive().max(1e6).meta({ unit: 'USD/MWh', description: 'Site spot power price at the as-of date.' }),
    aiDemandIndex: z.number().positive().max(1e3).default(1).meta({ unit: 'index (1 = normal)', description: 'AI demand index at the as-of date.' }),
    gpuUsdPerHour: z.number().positive().max(1e4).default(2).meta({ unit: 'USD/GPU-hour', description: 'GPU cloud rental price (H100 class).' }),
    sources: z
      .record(z.string(), z.string()).default({})
      .meta({ unit: 'text', description: 'Where each number comes from (free text, shown in reports).' }),
  })
  .meta({ description: 'Observed state the simulation starts from.' });

/**
 * Months with a monthly log return in the shipped price history (data/: month-end prices
 * 2010-08 .. 2024-03, so returns 2010-09 .. 2024-03); the bootstrap window must lie inside.
 * test/priceModels.test.ts checks these against the data files.
 */
export const PRICE_HISTORY_RETURN_MONTHS = { from: '2010-09', to: '2024-03' } as const;
/** Defaults of the bootstrap window (the cross-field checks read them too). */
export const BOOTSTRAP_DEFAULTS = { from: '2014-01', to: PRICE_HISTORY_RETURN_MONTHS.to, blockMonths: 12 } as const;
export const PRICE_MODELS = ['merton', 'gbm', 'regimes', 'bootstrap', 'custom'] as const;

const regime = (name: string, drift: number, volatility: number, why: string) =>
  z
    .strictObject({
      driftPerYear: perYear(`Expected price return mu in a ${name} market (the GBM convention: ln price steps by (mu - sigma^2/2) dt).`, drift, -5, 5),
      volatilityPerYear: perYear(`Volatility sigma of ln price in a ${name} market.`, volatility, 0, 5),
    })
    .prefault({})
    .meta({ description: why });

const perMonthProbability = (description: string, defaultValue: number) =>
  quantity({ unit: 'share/month', description }, defaultValue, 0, 1);

// Defaults: the shape of a two-regime Gaussian fit (EM with the Hamilton filter and Kim smoother)
// to the shipped monthly log returns 2014-01 .. 2024-03: bull runs of ~6 months (p = 0.17) at ~62%/yr
// volatility, bear runs of ~12 months (p = 0.08) at ~65%/yr. The fitted drifts (mu 2.3 and -0.08
// per year) are both lowered by 0.52/yr, so that the long-run log drift is -3%/yr, near the merton
// default's -4%/yr instead of the window's +48%/yr: the 2014-2024 trend is not a forecast.
const regimes = z
  .strictObject({
    bull: regime('bull', 1.8, 0.6, 'The bull regime (regimes only).'),
    bear: regime('bear', -0.6, 0.65, 'The bear regime (regimes only).'),
    bullToBearPerMonth: perMonthProbability('Probability that a bull month is followed by a bear month (mean bull run 1/p months).', 0.17),
    bearToBullPerMonth: perMonthProbability('Probability that a bear month is followed by a bull month (mean bear run 1/p months).', 0.08),
    start: z
      .enum(['stationary', 'bull', 'bear'])
      .default('stationary')
      .meta({
        unit: 'choice',
        description: 'Regime of month 0: bull, bear, or drawn from the stationary distribution (bull with probability bearToBull / (bullToBear + bearToBull)).',
      }),
  })
  .prefault({})
  .meta({ description: 'Two-regime Markov switching (model: regimes).' });

const bootstrap = z
  .strictObject({
    file: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .meta({
        unit: 'path',
        description:
          'A price history of your own instead of the shipped one: a CSV or Parquet file with a date column and a price column (the columns README.md describes), ' +
          'read by the runner before the trials (never by the workers). A relative path is relative to the scenario file that writes it (like extends), to the working folder on the command line or from stdin. Its month-end prices give the monthly returns resampled.',
      }),
    from: z
      .string()
      .regex(monthPattern, 'must be a month written YYYY-MM, e.g. 2014-01')
      .optional()
      .meta({
        unit: 'YYYY-MM',
        description:
          `First month whose return (month-end over previous month-end) is resampled. Without file: default ${BOOTSTRAP_DEFAULTS.from}; the shipped returns exist for ${PRICE_HISTORY_RETURN_MONTHS.from} .. ${PRICE_HISTORY_RETURN_MONTHS.to}, ` +
          'and the default leaves out 2010-2013, when BTC was a small, illiquid market moving several hundred percent a month. With file: default the first month of the file with a return.',
      }),
    to: z
      .string()
      .regex(monthPattern, 'must be a month written YYYY-MM, e.g. 2024-03')
      .optional()
      .meta({ unit: 'YYYY-MM', description: `Last month resampled (inclusive). Default: the end of the shipped history (${BOOTSTRAP_DEFAULTS.to}), or of the file.` }),
    blockMonths: wholeMonths(
      { unit: 'months', description: 'Length of the resampled blocks: consecutive historical months stay together, keeping momentum and volatility clusters up to this length.' },
      BOOTSTRAP_DEFAULTS.blockMonths, 1, 120,
    ),
    demean: z
      .boolean()
      .default(true)
      .meta({
        unit: 'flag',
        description:
          'true (default): every return is shifted by one constant so that a month\'s expected price ratio is exp(market.price.driftPerYear / 12) instead of the window\'s own ' +
          '(about 70%/yr over 2014-01 .. 2024-03: a bull market, not a forecast); the bootstrap then supplies the shape of the returns (fat tails, momentum and ' +
          'volatility clusters within a block) and driftPerYear the trend, as in the other models. false: keep the historical drift.',
      }),
  })
  .prefault({})
  // The shipped window's defaults are written into the resolved scenario; a file's window is the
  // file's unless given, known only once the runner has read it.
  .transform((b) => (b.file === undefined ? { ...b, from: b.from ?? BOOTSTRAP_DEFAULTS.from, to: b.to ?? BOOTSTRAP_DEFAULTS.to } : b))
  .meta({ description: 'Block bootstrap of historical monthly log returns (model: bootstrap).' });

/** A parameter of a process of one's own: a number, a short text, a flag, or a list of numbers. */
const customParameter = z.union([z.number(), z.string().max(1000), z.boolean(), z.array(z.number()).max(10_000)]);

const custom = z
  .strictObject({
    process: z
      .string()
      .min(1)
      .max(100)
      .meta({
        unit: 'name',
        description:
          'The name of the price process (the name its module exports). The module itself is named on the command line (--process-module FILE) or in the API call (processModule), never here: a scenario alone never loads code.',
      }),
    parameters: z
      .record(z.string().min(1).max(100), customParameter)
      .default({})
      .meta({ description: 'The process\'s parameters (numbers, texts, flags, lists of numbers), checked by the module when it is loaded.' }),
  })
  .meta({ description: 'A price process of one\'s own (model: custom): README.md, "A process of one\'s own".' });

const price = z
  .strictObject({
    model: z
      .enum(PRICE_MODELS)
      .default('merton')
      .meta({
        unit: 'choice',
        description:
          'merton: jump-diffusion; gbm: no jumps; regimes: bull/bear Markov switching, GBM within a regime, no jumps; ' +
          'bootstrap: historical monthly returns resampled in blocks (the price row of market.correlation is then not imposed); ' +
          'custom: a process of one\'s own from a module named on the command line (market.price.custom).',
      }),
    driftPerYear: perYear('Expected price return mu: E[S(t)] = S0 exp(mu t); the jumps are compensated so they do not change it (merton, gbm). bootstrap with demean: every month\'s expected price ratio is exp(mu / 12).', 0.1, -2, 2),
    volatilityPerYear: perYear('Diffusion volatility sigma of ln price (merton, gbm).', 0.5, 0, 5),
    jumpsPerYear: perYear('Jump intensity lambda (merton only).', 1, 0, 50),
    jumpMeanLog: quantity({ unit: 'log', description: 'Mean of a jump in ln price (merton only).' }, -0.1, -5, 5),
    jumpSdLog: quantity({ unit: 'log', description: 'Standard deviation of a jump in ln price (merton only).' }, 0.15, 0, 5),
    regimes,
    bootstrap,
    custom: custom.optional(),
  })
  // A model's block is kept only when that model runs, so the resolved scenario (summary.json)
  // shows the parameters in use; writing the block of another model is an error (priceModelChecks.ts).
  .transform(({ regimes: regimeBlock, bootstrap: bootstrapBlock, custom: customBlock, ...rest }) => ({
    ...rest,
    ...(rest.model === 'regimes' ? { regimes: regimeBlock } : {}),
    ...(rest.model === 'bootstrap' ? { bootstrap: bootstrapBlock } : {}),
    ...(rest.model === 'custom' && customBlock !== undefined ? { custom: customBlock } : {}),
  }));

export type PriceSpec = z.output<typeof price>;

const hashrate = z.strictObject({
  growthPerYear: perYear('Trend growth g of ln network hashrate.', 0.3, -2, 5),
  volatilityPerYear: perYear('Volatility of ln network hashrate.', 0.15, 0, 5),
  responsePerYear: perYear('Response eta of hashrate growth to the log gap between hashprice and breakeven.', 0.5, 0, 10),
  responseLagMonths: wholeMonths({ unit: 'months', description: 'Lag between hashprice and the hashrate response (ASIC lead time).' }, 6, 0, 36),
  breakevenEfficiencyJPerTh: quantity({ unit: 'J/TH', description: 'Network marginal fleet efficiency at the as-of date.' }, 20, MIN_EFFICIENCY_J_PER_TH, 1000),
  breakevenPowerUsdPerMwh: quantity({ unit: 'USD/MWh', description: 'Network marginal power price.' }, 50, MIN_POWER_USD_PER_MWH, 10000),
  efficiencyGainPerYear: quantity({ unit: 'share/yr', description: 'Yearly improvement of fleet efficiency (J/TH falls by this share).' }, 0.1, 0, 0.9),
});

const fees = z.strictObject({
  meanBtcPerBlock: positive({ unit: 'BTC/block', description: 'Long-run mean of fees per block (log-OU).' }, 0.025, 100),
  reversionPerYear: perYear('Mean-reversion speed kappa of ln fees.', 2, 0, 100),
  volatilityPerYear: perYear('Volatility of ln fees.', 0.8, 0, 10),
});

const energy = z.strictObject({
  meanUsdPerMwh: positive({ unit: 'USD/MWh', description: 'Long-run mean power price (log-OU).' }, 45, 10000),
  reversionPerYear: perYear('Mean-reversion speed kappa of ln power price.', 3, 0, 100),
  volatilityPerYear: perYear('Volatility of ln power price.', 0.35, 0, 10),
  summerUplift: quantity({ unit: 'share', description: 'Seasonal uplift of the mean in June, July and August.' }, 0.15, -0.9, 5),
  spikesPerYear: perYear('Rate of price spikes (jumps in ln price, then mean-reverting).', 0.5, 0, 50),
  spikeMeanLog: quantity({ unit: 'log', description: 'Mean size of a spike in ln power price.' }, 0.3, -5, 5),
  spikeSdLog: quantity({ unit: 'log', description: 'Standard deviation of a spike in ln power price.' }, 0.2, 0, 5),
});

const aiDemand = z.strictObject({
  reversionPerYear: perYear('Mean-reversion speed of the ln AI demand index towards 0 (index 1).', 0.5, 0, 100),
  volatilityPerYear: perYear('Volatility of the ln AI demand index.', 0.25, 0, 10),
  winterHazardPerYear: perYear('Hazard of entering an AI winter.', 0.05, 0, 12),
  winterMeanMonths: positive({ unit: 'months', description: 'Mean length of an AI winter (geometric).' }, 24, 1200),
  winterIndexFactor: quantity({ unit: 'factor', description: 'Multiplier on the index during a winter.' }, 0.5, 0.01, 1),
  gpuPriceDeclinePerYear: quantity({ unit: 'share/yr', description: 'Yearly decline of GPU rental prices.' }, 0.3, 0, 0.95),
  gpuVolatilityPerYear: perYear('Volatility of ln GPU rental price.', 0.15, 0, 5),
});

export const DEFAULT_CORRELATION = [
  [1, 0.3, 0.3, 0, 0.2],
  [0.3, 1, 0, 0, 0],
  [0.3, 0, 1, 0, 0],
  [0, 0, 0, 1, 0],
  [0.2, 0, 0, 0, 1],
];

const market = z.strictObject({
  price: price.prefault({}),
  hashrate: hashrate.prefault({}),
  fees: fees.prefault({}),
  energy: energy.prefault({}),
  aiDemand: aiDemand.prefault({}),
  correlation: z
    .array(z.array(z.number().min(-1).max(1)).length(5))
    .length(5)
    .default(DEFAULT_CORRELATION)
    .meta({
      unit: '5x5 matrix',
      description: `Correlation of the monthly shocks, rows and columns in the order ${FACTORS.join(', ')}; symmetric, unit diagonal, positive definite.`,
    }),
});

const site = z.strictObject({
  powerMw: positive({ unit: 'MW', description: 'Energised capacity of the site.' }, 100, 1e5),
  efficiencyJPerTh: quantity({ unit: 'J/TH', description: 'Fleet efficiency of the site.' }, 18, MIN_EFFICIENCY_J_PER_TH, 1000),
  uptime: share('Share of hours the fleet runs.', 0.95),
  poolFee: share('Mining pool fee on revenue.', 0.01),
  opexUsdPerMwMonth: quantity({ unit: 'USD/MW/month', description: 'Fixed operating cost per MW of capacity.' }, 2500, 0, 1e7),
  cashUsd: quantity({ unit: 'USD', description: 'Cash at the as-of date.' }, 50e6, -1e12, 1e12),
  creditLineUsd: quantity({ unit: 'USD', description: 'Ruin when cash falls below minus this amount.' }, 0, 0, 1e12),
  debtUsd: quantity({ unit: 'USD', description: 'Debt outstanding at the as-of date (amortising).' }, 0, 0, 1e12),
  debtRatePerYear: perYear('Interest rate on site debt.', 0.08, 0, 1),
  debtTermMonths: wholeMonths({ unit: 'months', description: 'Remaining term of site debt.' }, 60, 1, 600),
  ppaShare: share('Share of the load bought at a fixed PPA price.', 0),
  ppaUsdPerMwh: positive({ unit: 'USD/MWh', description: 'Fixed PPA power price.' }, 45, 10000),
  asicUsdPerTh: positive({ unit: 'USD/TH', description: 'Price of new ASICs (fleet refresh).' }, 15, 1e4),
  taxRate: share('Tax on monthly operating profit less the depreciation of capex (taxDepreciationYears); a month\'s loss is carried forward against later profits, without limit.', 0),
  taxDepreciationYears: quantity({ unit: 'years', description: 'Straight-line tax life of every capex the strategies spend (ASIC refreshes, a conversion\'s build, GPU fleets), from the month it is spent, however it is paid for. 5: the US MACRS class of computers and mining equipment; a conversion\'s shell and power plant would be 15-39.' }, 5, 1 / 12, 40),
});

const buildMonths = z
  .strictObject({
    min: positive({ unit: 'months', description: 'Shortest build.' }, 9, 240),
    mode: positive({ unit: 'months', description: 'Most likely build.' }, 12, 240),
    max: positive({ unit: 'months', description: 'Longest build.' }, 18, 240),
  })
  .refine((b) => b.min <= b.mode && b.mode <= b.max, {
    message: 'must satisfy min <= mode <= max',
  });

const LEASE_FORMS = ['tripleNet', 'modifiedGross'] as const;
export const DEFAULT_CLAIMS = ['cappedRent', 'remainingRent'] as const;
export const FLEET_REPLACEMENTS = ['whenItPays', 'always'] as const;
export const TENANT_CREDIT_GRADES = ['custom', ...CREDIT_GRADES] as const;
export const TERMINAL_VALUE_METHODS = ['none', 'multiple', 'byCashFlow'] as const;

const gpuContract = z
  .strictObject({
    years: quantity({ unit: 'years', description: 'Term of the GPU cloud contract, from the first GPUs delivered (IREN/Microsoft: 5). During it the fleet sells at usdPerGpuHour; after it, at the aged market price.' }, 5, 1 / 12, 20),
    usdPerGpuHour: positive({ unit: 'USD/GPU-hour', description: 'Fixed contract price per GPU-hour, not aged while the contract runs.' }, 2.0, 1000),
    takeOrPayShare: share('Share of the fleet\'s GPU-hours the customer pays for whether it uses them or not (1: reserved capacity, paid in full).', 1),
    prepaymentShare: share('Share of the contract value at full use (GPUs x hours x term x price) paid up front when the first GPUs are delivered, credited against invoices evenly over the term (IREN/Microsoft: 0.2).', 0),
  })
  .meta({ description: 'A GPU cloud contract (optional; without it the cloud sells at the market price from the start).' });

const hosting = z
  .strictObject({
    pue: quantity({ unit: 'ratio', description: 'Power usage effectiveness: IT MW = gross MW / PUE.' }, 1.3, 1, 3),
    conversionUsdPerMwIt: quantity({ unit: 'USD/MW of IT', description: 'Conversion capex per MW of critical IT load.' }, 9e6, 0, 1e9),
    buildMonths: buildMonths.prefault({}),
    tranches: wholeMonths(
      { unit: 'halls', description: 'The conversion is delivered in this many equal halls; hall k starts building trancheIntervalMonths x k after the conversion starts and takes the drawn build time; a hall mines until its build starts and earns from its handover.' },
      2, 1, MAX_TRANCHES,
    ),
    trancheIntervalMonths: wholeMonths({ unit: 'months', description: 'Months between the starts of consecutive halls (with tranches > 1).' }, 6, 0, 120),
    preLeased: z
      .boolean()
      .default(true)
      .meta({
        unit: 'flag',
        description:
          'true: the lease is signed when the conversion starts, at the market rate of that month, and rent runs from the first handover (every public 2024-2025 deal was signed before delivery); ' +
          'false: a speculative build that looks for a tenant from the first handover (signingProbabilityPerMonth). Re-leasing after a lease ends or a default always searches.',
      }),
    leaseUsdPerKwMonth: quantity({ unit: 'USD/kW-month', description: 'Market lease rate per kW of IT at AI demand index 1.' }, 130, 0, 1e4),
    leaseElasticity: quantity({ unit: 'exponent', description: 'Lease rate = base x index^elasticity.' }, 1, 0, 10),
    escalatorPerYear: perYear('Annual lease escalator, applied on each lease anniversary.', 0.03, -0.5, 1),
    leaseYears: quantity({ unit: 'years', description: 'Lease term, from the first handover (pre-leased) or the signing month (speculative, re-leases).' }, 12, 0.5, 50),
    leaseForm: choice(
      LEASE_FORMS,
      'modifiedGross',
      'Who pays the building\'s running costs. modifiedGross: the landlord, landlordOpexUsdPerKwMonth per leased kW (TeraWulf/Fluidstack: NOI margin ~85%); ' +
        'tripleNet: the tenant, the landlord keeping tripleNetCostShareOfRent of the rent as its own cost (Hut 8/Fluidstack). Either on top of site.opexUsdPerMwMonth.',
    ),
    landlordOpexUsdPerKwMonth: quantity({ unit: 'USD/kW-month', description: 'Landlord\'s operating cost per leased kW of IT under a modified-gross lease (~15% of a $130-150 rent).' }, 20, 0, 1e4),
    tripleNetCostShareOfRent: share('Landlord\'s own cost under a triple-net lease, as a share of rent (management, non-recoverables).', 0.03),
    signingProbabilityPerMonth: share('Monthly probability of signing a tenant at AI demand index 1 (scaled by the index, capped at 1), when the site is looking for one.', 0.1),
    tenantCreditGrade: choice(
      TENANT_CREDIT_GRADES,
      'B',
      'The tenant\'s credit grade sets its default hazards: the S&P long-run average one-year default rate of the grade in normal times, its worst year (1981-2023) in an AI winter (engine/creditGrades.ts). ' +
        'custom: defaultHazardPerYear and winterDefaultHazardPerYear instead. CoreWeave is rated B+ (S&P, 2025).',
    ),
    defaultHazardPerYear: perYear('Tenant default hazard in normal times (tenantCreditGrade: custom).', 0.01, 0, 12),
    winterDefaultHazardPerYear: perYear('Tenant default hazard during an AI winter (tenantCreditGrade: custom).', 0.08, 0, 12),
    defaultClaim: choice(
      DEFAULT_CLAIMS,
      'cappedRent',
      'What the site claims from a defaulting tenant, at the rent of the month of default (the part a guarantor does not pay). cappedRent: the rent lost while the capacity stands vacant, up to the cap US bankruptcy law puts on a landlord\'s claim for a rejected lease (11 U.S.C. 502(b)(6)), ' +
        'the rent of the greater of one year and 15% of the remaining term (at most three years), never more than the term left; settled when the site re-lets or the vacancy reaches the cap. remainingRent: all the rent left in the term, undiscounted, paid at the default (the frozen bench model).',
    ),
    recoveryShare: share('Share of the claim (defaultClaim) the site recovers, when it is settled.', 0.3),
    backstopShare: share('Share of the rent a guarantor pays, month by month, for the months the capacity stands vacant after the deal\'s tenant defaults, to the end of its term (Google for Fluidstack at TeraWulf: $1.8B of $3.7B, ~0.49); the site re-lets meanwhile, and a new tenant ends it.', 0),
    powerPassThrough: z.boolean().default(true).meta({ unit: 'flag', description: 'The tenant pays for the power it uses (usual in colocation).' }),
    tenantCapexShare: share('Share of the conversion capex the tenant pays itself (CoreWeave funded ~75-80% of Core Scientific\'s 2025 conversion capex).', 0.3),
    capexAdvanceUsdPerMwIt: quantity({ unit: 'USD/MW of IT', description: 'Advance the tenant pays while the site builds (pro rata with spending), repaid by crediting advanceRecoupShareOfRent of each rent payment until it is recovered.' }, 0, 0, 1e9),
    advanceRecoupShareOfRent: share('Share of each rent payment credited against the capex advance until it is repaid (with capexAdvanceUsdPerMwIt > 0).', 0.5),
    capexDebtShare: quantity({ unit: 'share 0..0.85', description: 'Share of the site\'s part of the capex financed by project debt, sized on the signed lease (Hut 8 River Bend: up to 85% loan-to-cost).' }, 0.8, 0, 0.85),
    capexDebtRatePerYear: perYear('Interest rate of the project debt.', 0.08, 0, 1),
    capexDebtTermMonths: wholeMonths({ unit: 'months', description: 'Amortisation term of the project debt, from the last handover.' }, 120, 1, 600),
    debtInNpv: z.boolean().default(false).meta({
      unit: 'flag',
      description:
        'Count the debt (the project and GPU debt\'s draws, payments and balance owed at the horizon; the site\'s own debt service and balance) in the NPV, IRR and payback, discounted at discountRatePerYear: the frozen bench model, in which debt cheaper than that rate adds value. ' +
        'false: discountRatePerYear is a cost of capital (WACC), so the NPV, IRR and payback are the project\'s, on the capex as it is spent, and a loan at its own rate adds none; the debt still moves the cash (minimum cash, ruin, peak funding).',
    }),
    gpuCloud: z
      .strictObject({
        itKwPerGpu: quantity({ unit: 'kW of IT per GPU', description: 'IT load per GPU, its share of server and network included.' }, 1.2, MIN_KW_PER_GPU, 100),
        capexUsdPerGpu: quantity({ unit: 'USD/GPU', description: 'Price of a GPU with its share of servers and network; financed over its life at the project debt rate.' }, 35_000, 0, 1e7),
        utilisation: share('Share of GPU-hours sold at AI demand index 1 (scaled by the index, capped at 1).', 0.7),
        opexShareOfRevenue: share('Cloud operating costs (staff, software, sales) as a share of revenue.', 0.15),
        lifeMonths: wholeMonths({ unit: 'months', description: 'GPU generation life: the fleet is replaced, and its rental price resets, this often.' }, 60, 6, 240),
        replaceFleet: choice(
          FLEET_REPLACEMENTS,
          'whenItPays',
          'When a hall\'s fleet reaches the end of its life. whenItPays: a new one is bought only when its net rental over its life (at the month\'s newest price falling with its age, the month\'s utilisation and power price, less the cloud\'s opex), discounted, covers its price, or while the hall is under contract; until then the hall stands dark. always: a new one every time (the frozen bench model).',
        ),
        contract: gpuContract.optional(),
      })
      .prefault({})
      .meta({ description: 'Operating an own GPU cloud on the converted capacity instead of leasing it (strategies with operate: gpuCloud).' }),
  })
  // Fields that the chosen lease form or credit grade make irrelevant are dropped, so the resolved
  // scenario (summary.json) shows only what the engine uses; writing one is an error (dealChecks.ts).
  .transform(({ landlordOpexUsdPerKwMonth, tripleNetCostShareOfRent, defaultHazardPerYear, winterDefaultHazardPerYear, ...rest }) => {
    const resolved: typeof rest & Partial<{ landlordOpexUsdPerKwMonth: number; tripleNetCostShareOfRent: number; defaultHazardPerYear: number; winterDefaultHazardPerYear: number }> = {
      ...rest,
      ...(rest.leaseForm === 'modifiedGross' ? { landlordOpexUsdPerKwMonth } : { tripleNetCostShareOfRent }),
      ...(rest.tenantCreditGrade === 'custom' ? { defaultHazardPerYear, winterDefaultHazardPerYear } : {}),
    };
    return resolved;
  });

export type HostingSpec = z.output<typeof hosting>;

const strategyName = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.+%-]*$/, 'must start with a letter or digit and use letters, digits, space, _ . + % -')
  .meta({ unit: 'text', description: 'Name shown in tables and used as a column prefix.' });

const operate = z
  .enum(['lease', 'gpuCloud'])
  .default('lease')
  .meta({ unit: 'choice', description: 'lease: lease the converted capacity to a tenant; gpuCloud: run an own GPU cloud on it.' });

const startMonth = wholeMonths({ unit: 'month', description: 'Month the conversion starts (0 = as-of month).' }, 0, 0, 600);

const stay = z.strictObject({
  kind: z.literal('stay'),
  name: strategyName,
  refreshEveryMonths: wholeMonths({ unit: 'months', description: 'Fleet refresh interval (0 = never); a refresh buys the then-current network efficiency at asicUsdPerTh.' }, 0, 0, 600),
  curtail: z.boolean().default(true).meta({ unit: 'flag', description: 'Stop mining in months when power costs more than mining earns.' }),
});

const convert = z.strictObject({
  kind: z.literal('convert'),
  name: strategyName,
  atMonth: startMonth,
  share: share('Share of the MW converted; the rest keeps mining.', 1),
  operate,
  curtail: z.boolean().default(true).meta({ unit: 'flag', description: 'Curtail the mining part when power costs more than mining earns.' }),
});

const hybrid = z.strictObject({
  kind: z.literal('hybrid'),
  name: strategyName,
  atMonth: startMonth,
  share: quantity({ unit: 'share 0..1', description: 'Share of the MW converted; the rest keeps mining.' }, 0.5, 0, 1),
  operate,
  curtail: z.boolean().default(true).meta({ unit: 'flag', description: 'Curtail the mining part when power costs more than mining earns.' }),
});

const trigger = z.strictObject({
  kind: z.literal('trigger'),
  name: strategyName,
  hashpriceBelowUsdPerPhDay: positive({ unit: 'USD/PH/day', description: 'Convert once hashprice stays below this level...' }, 30, 1e6),
  forMonths: wholeMonths({ unit: 'months', description: '...for this many consecutive months.' }, 3, 1, 120),
  share: share('Share of the MW converted when the rule fires; the rest keeps mining.', 1),
  operate,
  curtail: z.boolean().default(true).meta({ unit: 'flag', description: 'Curtail the mining part when power costs more than mining earns.' }),
});

const switchAction = z.strictObject({
  share: quantity({ unit: 'share 0..1', description: 'Share of the MW this action converts; the rest keeps mining.' }, 1, 0.01, 1),
  operate,
});

/** Fitting paths per basis function the regression needs at the least (scenarios/crossChecks.ts). */
export const MIN_FIT_PATHS_PER_BASIS_FUNCTION = 10;
/** Fitting paths an optimal strategy may ask for: its fitting arrays (state and NPVs per path and decision month) stay within ~0.2 GB. */
export const MAX_FIT_PATHS = 100_000;

const optimal = z.strictObject({
  kind: z.literal('optimal'),
  name: strategyName,
  actions: z
    .array(switchAction)
    .min(1, 'an optimal strategy needs at least one action to choose besides keep mining, e.g. [{share: 1}]')
    .max(8)
    .prefault([{ share: 1 }, { share: 0.5 }])
    .meta({ unit: 'list', description: 'What the site may do at a decision date besides keep mining: convert a share, leased or as a GPU cloud. Converting is once and for all.' }),
  decisionEveryMonths: wholeMonths(
    { unit: 'months', description: 'Decision dates are months 0, k, 2k, ... before the horizon; k must divide horizonMonths and leave at least two dates.' },
    1, 1, 300,
  ),
  state: z
    .array(z.enum(SWITCH_STATE_VARIABLES))
    .min(1)
    .max(SWITCH_STATE_VARIABLES.length)
    .default(['hashprice', 'aiDemand', 'energyPrice', 'monthsToHalving'])
    .refine((list) => new Set(list).size === list.length, { message: 'state variables must not repeat' })
    .meta({
      unit: 'list',
      description:
        `What the policy looks at when it decides (logs of the positive ones), from ${SWITCH_STATE_VARIABLES.join(', ')}. The month is always part of it (each decision date has its own regression). ` +
        'The default leaves out btcPrice and difficulty: hashprice already carries most of what they say about mining, and on base the fit with all six gained nothing out of sample and flattered itself more in sample.',
    }),
  basis: z
    .strictObject({
      kind: z.enum(BASIS_KINDS).default('polynomial').meta({ unit: 'choice', description: 'polynomial: every monomial of the standardised state up to the degree; laguerre: a constant and weighted Laguerre polynomials of each variable (no cross terms).' }),
      degree: z.number().int().min(0).max(4).default(2).meta({ unit: 'degree', description: 'Highest total degree (polynomial) or Laguerre order.' }),
    })
    .prefault({})
    .meta({ description: 'Functions of the state the continuation and conversion values are regressed on (least-squares Monte Carlo).' }),
  fitPaths: z
    .number().int().min(100).max(MAX_FIT_PATHS).default(10_000)
    .meta({ unit: 'paths', description: `Market paths the policy is fitted on (independent of the run's trials; at least ${MIN_FIT_PATHS_PER_BASIS_FUNCTION} per basis function). Fitting costs one strategy evaluation per path, decision date and action.` }),
  fitSeed: z
    .number().int().min(0).optional()
    .meta({ unit: 'seed', description: "Seed of the fitting paths; default the run's seed. Fitting paths are drawn from streams no trial uses, so the policy is always judged out of sample." }),
  curtail: z.boolean().default(true).meta({ unit: 'flag', description: 'Curtail the mining part when power costs more than mining earns.' }),
});

const policy = z.strictObject({
  kind: z.literal('policy'),
  name: strategyName,
  file: z
    .string().min(1).max(4096)
    .meta({ unit: 'path', description: 'A policy file written by a run with an optimal strategy (policy-NAME.json), applied as a fixed rule; relative to the scenario file that writes it (like extends), to the working folder on the command line or from stdin.' }),
});

export const strategySchema = z.discriminatedUnion('kind', [stay, convert, hybrid, trigger, optimal, policy]);

const terminalValue = z
  .strictObject({
    method: choice(
      TERMINAL_VALUE_METHODS,
      'byCashFlow',
      'What the site is worth after the horizon, less the debt and advances still owed. none: nothing; multiple: a multiple of the whole site\'s last 12 months of operating cash flow after tax (floored at 0); ' +
        'byCashFlow: each part by the kind of cash it earns: the mining part at the multiple of its own last 12 months (or its fleet\'s salvage, whichever is more), leased capacity at the present value of the rent still contracted plus re-leasing at capRate, an own GPU cloud at what its fleets can still earn over their remaining lives.',
    ),
    annualCashFlowMultiple: quantity({ unit: 'x', description: 'Multiple applied to the last 12 months of operating cash flow: the whole site\'s (multiple) or the mining part\'s (byCashFlow).' }, 5, 0, 100),
    capRate: quantity({ unit: '1/yr', description: 'Capitalisation rate of leased capacity after its contracted term (byCashFlow): value = yearly net operating income / capRate. Leased data-centre capacity traded at 5.5-7.5% in 2024-2025 (13-18x NOI); converted mining sites with one tenant sit at the upper end.' }, 0.07, 0.01, 1),
    miningSalvageUsdPerTh: quantity({ unit: 'USD/TH', description: 'Resale value of the mining fleet at the horizon (byCashFlow), the floor of the mining part\'s value.' }, 1, 0, 1e4),
  })
  .transform(({ capRate, miningSalvageUsdPerTh, ...rest }) => {
    const resolved: typeof rest & Partial<{ capRate: number; miningSalvageUsdPerTh: number }> = { ...rest, ...(rest.method === 'byCashFlow' ? { capRate, miningSalvageUsdPerTh } : {}) };
    return resolved;
  });

// Written as input and applied with prefault (not default) so zod parses it like a user's list:
// .default() would hand these objects back as they are, without curtail, refreshEveryMonths, ...
const DEFAULT_STRATEGIES: z.input<typeof strategySchema>[] = [
  { kind: 'stay', name: 'stay' },
  { kind: 'convert', name: 'convert-now', atMonth: 0, share: 1 },
];

/**
 * How a scenario was made from others: the chain of scenarios it extends (root first) and every field
 * set over the root. The loader writes it (from `extends:` and `--set`); summary.json shows it.
 */
const derivation = z
  .strictObject({
    extends: z
      .array(z.string().min(1).max(1000))
      .min(1)
      .max(MAX_EXTENDS_DEPTH + 1)
      .meta({ unit: 'text', description: 'The scenarios this one was built on, root first: a preset name or a file path, as written where it was named.' }),
    overrides: z
      .record(z.string(), z.unknown())
      .meta({ unit: 'text', description: 'Every field set over the root scenario, by dotted path (strategies by index), in schema order.' }),
  })
  .optional()
  .meta({
    description:
      'Written by hashpivot when a scenario extends another or is run with --set: the base it was built on and the fields it overrode. ' +
      'A scenario file may carry it (a summary.json scenario run again), but not together with extends.',
  });

export const scenarioSchema = z.strictObject({
  extends: z
    .string()
    .min(1)
    .max(1000)
    .optional()
    .meta({
      unit: 'text',
      description:
        'A preset name or a .yaml/.json file (relative to this file) that this scenario starts from: only the fields written here change, ' +
        'objects merge field by field, lists replace. Resolved on load; summary.json records it under derivation.',
    }),
  name: z.string().min(1).max(200).default('custom').meta({ unit: 'text', description: 'Scenario name.' }),
  description: z.string().max(2000).default('').meta({ unit: 'text', description: 'One-line description.' }),
  derivation,
  asOf,
  horizonMonths: wholeMonths({ unit: 'months', description: 'Simulated horizon.' }, 120, 1, 600),
  discountRatePerYear: perYear('Annual discount rate (monthly compounding).', 0.12, 0, 1),
  market: market.prefault({}),
  site: site.prefault({}),
  hosting: hosting.prefault({}),
  terminalValue: terminalValue.prefault({}),
  strategies: z
    .array(strategySchema)
    .min(1)
    .max(32)
    .prefault(DEFAULT_STRATEGIES)
    .refine((list) => new Set(list.map((s) => s.name)).size === list.length, {
      message: 'strategy names must be unique',
    }),
});

/** A scenario as the user writes it (every field with a default may be left out). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A scenario with every default filled in: what the engine runs. */
export type Scenario = z.output<typeof scenarioSchema>;
export type StrategySpec = Scenario['strategies'][number];
export type StrategyKind = StrategySpec['kind'];
