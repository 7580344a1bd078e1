// The market path of one trial: BTC price, network hashrate, difficulty and subsidy (with Bitcoin's
// retargets and halvings as events inside each month), fees, energy price and AI demand. One path
// per trial, shared by every strategy (common random numbers). Buffers are allocated once per
// worker and overwritten by each trial.
import type { Scenario } from '../scenarios/schema.js';
import { HASHES_PER_DIFFICULTY, hashpriceUsdPerPhDay, powerCostUsdPerPhDay, RETARGET_INTERVAL_BLOCKS } from './bitcoin.js';
import { Chain, SECONDS_PER_MONTH } from './chain.js';
import { fastExp, fastExpInto } from './fastExp.js';
import { cholesky } from './cholesky.js';
import { priceParams, simulateLogPrice, type ModelInputs, type PriceDrawLayout, type PriceParams } from './priceModel.js';
import { CustomPriceRunner, type ModelProcesses, type PriceStep } from './priceProcess.js';
import { poissonFromUniform, type RandomStream } from './random.js';

export { SECONDS_PER_MONTH };
export const HOURS_PER_MONTH = (365.25 * 24) / 12;
const DT_YEARS = 1 / 12;
/**
 * Below this network hashrate (H/s) no block is found in a month at any difficulty (>= 1, the
 * proof-of-work limit: a block takes over 1e209 s), so 1 EH/s earns the closed form of a month
 * without events. Used there because a hashrate that collapsed (a death spiral: the hashrate falls
 * faster than retargets can follow) underflows to 0 and blocks x reward / hashrate would be 0 / 0.
 */
const NO_BLOCK_HASHRATE_HS = 1e-200;
/** Standard normals a month consumes: five correlated factors, a price-jump size, an energy-spike size, the GPU rental price. */
export const NORMALS_PER_MONTH = 8;
/**
 * Uniforms a month consumes: price-jump count, energy-spike count, AI-winter switch, and the price
 * model's own (regime switch or bootstrap block start; drawn, unused, by merton and gbm).
 */
export const UNIFORMS_PER_MONTH = 4;
/** The price's slots in each month's draws (engine/priceModel.ts reads only these). */
const PRICE_DRAWS: PriceDrawLayout = {
  normalsPerMonth: NORMALS_PER_MONTH,
  uniformsPerMonth: UNIFORMS_PER_MONTH,
  shock: 0,
  jumpSize: 5,
  jumpCount: 0,
  modelUniform: 3,
};


/** Scenario market parameters turned into per-month constants once, before any trial runs. */
export interface MarketParams {
  months: number;
  choleskyFactor: Float64Array;
  price: PriceParams;
  /** The step of a custom price process (model custom, with its process given), else null. */
  customPriceStep: PriceStep | null;
  logHashrate0: number;
  hashrateGrowthPerMonth: number;
  hashrateResponsePerMonth: number;
  hashrateVolPerMonth: number;
  responseLagMonths: number;
  /** ln of the network's breakeven hashprice (USD/PH/day) in each month: falls as fleets get more efficient. */
  logBreakevenByMonth: Float64Array;
  height0: number;
  difficulty0: number;
  secondsSinceRetarget0: number;
  logFeesMean: number;
  logFees0: number;
  feesDecay: number;
  feesVol: number;
  logEnergyMeanByMonth: Float64Array;
  logEnergy0: number;
  energyDecay: number;
  energyVol: number;
  spikeMeanCountPerMonth: number;
  expMinusSpikeMeanCount: number;
  spikeMeanLog: number;
  spikeSdLog: number;
  logAi0: number;
  aiDecay: number;
  aiVol: number;
  winterEnterProbability: number;
  winterExitProbability: number;
  logWinterIndexFactor: number;
  logGpu0: number;
  gpuVolPerMonth: number;
  /** Whether any strategy can run a GPU cloud: only then is the GPU price path made (its draws are drawn either way). */
  gpuPricePath: boolean;
}

/** Exact one-month transition of an OU process in logs: decay e^{-kappa dt} and the shock's sd. */
function ouTransition(reversionPerYear: number, volatilityPerYear: number): { decay: number; vol: number } {
  const decay = Math.exp(-reversionPerYear * DT_YEARS);
  const vol =
    reversionPerYear > 0
      ? volatilityPerYear * Math.sqrt((1 - decay * decay) / (2 * reversionPerYear))
      : volatilityPerYear * Math.sqrt(DT_YEARS);
  return { decay, vol };
}

/**
 * `inputs` carries what the scenario alone does not: the historical returns of a bootstrap price
 * model, read by the runner (runners/modelInputs.ts), since engine/ does no I/O. `processes` are the
 * loaded processes of one's own (model custom): the runner imports their modules.
 */
export function marketParams(scenario: Scenario, inputs: ModelInputs = {}, processes: ModelProcesses = {}): MarketParams {
  const { market, asOf, horizonMonths: months } = scenario;
  const { price, hashrate, fees, energy, aiDemand } = market;
  const choleskyFactor = cholesky(market.correlation);
  if (!choleskyFactor) throw new Error('market.correlation is not positive definite (the scenario loader should have caught this)');

  const logBreakevenByMonth = new Float64Array(months);
  for (let m = 0; m < months; m++) {
    const efficiencyJPerTh = hashrate.breakevenEfficiencyJPerTh * (1 - hashrate.efficiencyGainPerYear) ** (m / 12);
    logBreakevenByMonth[m] = Math.log(powerCostUsdPerPhDay(efficiencyJPerTh, hashrate.breakevenPowerUsdPerMwh));
  }

  const calendarMonth0 = Number(asOf.date.slice(5, 7)) - 1;
  const logEnergyMeanByMonth = new Float64Array(months);
  for (let m = 0; m < months; m++) {
    const calendarMonth = (calendarMonth0 + m) % 12;
    const summer = calendarMonth >= 5 && calendarMonth <= 7; // June, July, August
    logEnergyMeanByMonth[m] = Math.log(energy.meanUsdPerMwh) + (summer ? Math.log1p(energy.summerUplift) : 0);
  }

  const height0 = asOf.blockHeight + 1; // blocks mined so far = height of the next block
  const blocksSinceRetarget = height0 % RETARGET_INTERVAL_BLOCKS;
  const hashrateHs = asOf.networkHashrateEhs * 1e18;
  const secondsSinceRetarget0 =
    asOf.secondsSinceRetarget ?? (blocksSinceRetarget * asOf.difficulty * HASHES_PER_DIFFICULTY) / hashrateHs;

  const feesOu = ouTransition(fees.reversionPerYear, fees.volatilityPerYear);
  const energyOu = ouTransition(energy.reversionPerYear, energy.volatilityPerYear);
  const aiOu = ouTransition(aiDemand.reversionPerYear, aiDemand.volatilityPerYear);
  const spikesPerMonth = energy.spikesPerYear * DT_YEARS;

  return {
    months,
    choleskyFactor,
    price: priceParams(price, asOf.priceUsd, inputs),
    customPriceStep: customPriceStep(scenario, processes),
    logHashrate0: Math.log(hashrateHs),
    hashrateGrowthPerMonth: hashrate.growthPerYear * DT_YEARS,
    hashrateResponsePerMonth: hashrate.responsePerYear * DT_YEARS,
    hashrateVolPerMonth: hashrate.volatilityPerYear * Math.sqrt(DT_YEARS),
    responseLagMonths: hashrate.responseLagMonths,
    logBreakevenByMonth,
    height0,
    difficulty0: asOf.difficulty,
    secondsSinceRetarget0,
    logFeesMean: Math.log(fees.meanBtcPerBlock),
    logFees0: Math.log(Math.max(asOf.feesBtcPerBlock, 1e-8)),
    feesDecay: feesOu.decay,
    feesVol: feesOu.vol,
    logEnergyMeanByMonth,
    logEnergy0: Math.log(asOf.energyUsdPerMwh),
    energyDecay: energyOu.decay,
    energyVol: energyOu.vol,
    spikeMeanCountPerMonth: spikesPerMonth,
    expMinusSpikeMeanCount: Math.exp(-spikesPerMonth),
    spikeMeanLog: energy.spikeMeanLog,
    spikeSdLog: energy.spikeSdLog,
    logAi0: Math.log(asOf.aiDemandIndex),
    aiDecay: aiOu.decay,
    aiVol: aiOu.vol,
    winterEnterProbability: 1 - Math.exp(-aiDemand.winterHazardPerYear * DT_YEARS),
    winterExitProbability: Math.min(1, 1 / aiDemand.winterMeanMonths),
    logWinterIndexFactor: Math.log(aiDemand.winterIndexFactor),
    logGpu0: Math.log(asOf.gpuUsdPerHour),
    gpuVolPerMonth: aiDemand.gpuVolatilityPerYear * Math.sqrt(DT_YEARS),
    gpuPricePath: mayRunGpuCloud(scenario),
  };
}

/** Whether a strategy of the scenario may run a GPU cloud (a policy file's actions are read later: counted as may). */
function mayRunGpuCloud(scenario: Scenario): boolean {
  return scenario.strategies.some(
    (s) => s.kind === 'policy' || ('operate' in s && s.operate === 'gpuCloud') || ('actions' in s && s.actions.some((a) => a.operate === 'gpuCloud')),
  );
}

/**
 * The step of a custom price process for this scenario, or null (not model custom, or no process
 * given: then simulating refuses, which a model built only for its shape, as merge builds one, never does).
 */
function customPriceStep(scenario: Scenario, processes: ModelProcesses): PriceStep | null {
  const price = scenario.market.price;
  if (price.model !== 'custom' || price.custom === undefined || processes.price === undefined) return null;
  const process = processes.price;
  return process.create(process.parameters(price.custom.parameters), { months: scenario.horizonMonths, logPrice0: Math.log(scenario.asOf.priceUsd), dtYears: DT_YEARS });
}

/** One trial's market, month by month. Month m's values are the state at the start of month m. */
export class MarketPath {
  readonly priceUsd: Float64Array;
  readonly networkHashrateEhs: Float64Array;
  readonly difficulty: Float64Array;
  readonly feesBtcPerBlock: Float64Array;
  readonly subsidyBtc: Float64Array;
  readonly hashpriceUsdPerPhDay: Float64Array;
  /** BTC that 1 EH/s of hashrate earns over the month, integrated between retarget and halving events. */
  readonly btcPerEhsMonth: Float64Array;
  readonly energyUsdPerMwh: Float64Array;
  readonly aiDemandIndex: Float64Array;
  /** 1 in months of an AI winter, else 0. */
  readonly aiWinter: Uint8Array;
  /** 1 in months whose price step runs in the bear regime (model regimes), else 0. */
  readonly bearMarket: Uint8Array;
  /**
   * Rental price of a GPU of the newest generation (USD/GPU-hour): a random walk around the as-of
   * price. A fleet's own price falls from it as the fleet ages (hosting.ts). NaN throughout when
   * no strategy can run a GPU cloud (params.gpuPricePath): then nothing reads it, and it is not made.
   */
  readonly newGpuUsdPerHour: Float64Array;
  /** Chain height (blocks mined so far) at the start of each month. */
  readonly blockHeight: Float64Array;
  // The natural logs of price, hashprice, energy price and AI demand index, as the path makes them
  // (the price, energy price and AI index are made as logs and exponentiated; the hashprice's log
  // is taken for the hashrate's response): what a conversion policy reads (switchState.ts),
  // without a Math.log per variable and decision month.
  readonly logPriceUsd: Float64Array;
  readonly logHashpriceUsdPerPhDay: Float64Array;
  readonly logEnergyUsdPerMwh: Float64Array;
  readonly logAiDemandIndex: Float64Array;
  // Sums over the path's months, for the trial's drivers (engine/outcomes.ts): added in month
  // order as the path is made, the same bits as a pass over the series, without the pass.
  priceSumUsd = 0;
  hashpriceSumUsdPerPhDay = 0;
  energySumUsdPerMwh = 0;
  feesSumBtcPerBlock = 0;
  aiDemandIndexSum = 0;
  aiWinterMonths = 0;
  /** Fractional month of the first halving inside the horizon, NaN if none. */
  get nextHalvingMonth(): number {
    return this.chain.firstHalvingMonth;
  }
  private readonly normals: Float64Array;
  private readonly uniforms: Float64Array;
  private readonly chain = new Chain();
  private readonly customPrice: CustomPriceRunner | null;

  constructor(readonly params: MarketParams) {
    const n = params.months;
    this.customPrice = params.customPriceStep === null ? null : new CustomPriceRunner(params.customPriceStep, n);
    this.priceUsd = new Float64Array(n);
    this.networkHashrateEhs = new Float64Array(n);
    this.difficulty = new Float64Array(n);
    this.blockHeight = new Float64Array(n);
    this.feesBtcPerBlock = new Float64Array(n);
    this.subsidyBtc = new Float64Array(n);
    this.hashpriceUsdPerPhDay = new Float64Array(n);
    this.btcPerEhsMonth = new Float64Array(n);
    this.energyUsdPerMwh = new Float64Array(n);
    this.aiDemandIndex = new Float64Array(n);
    this.aiWinter = new Uint8Array(n);
    this.bearMarket = new Uint8Array(n);
    this.newGpuUsdPerHour = new Float64Array(n).fill(NaN);
    this.logPriceUsd = new Float64Array(n);
    this.logHashpriceUsdPerPhDay = new Float64Array(n);
    this.logEnergyUsdPerMwh = new Float64Array(n);
    this.logAiDemandIndex = new Float64Array(n);
    this.normals = new Float64Array(n * NORMALS_PER_MONTH);
    this.uniforms = new Float64Array(n * UNIFORMS_PER_MONTH);
  }

  /** Draws a new path from the trial's market stream. Allocates nothing. */
  simulate(stream: RandomStream): void {
    const p = this.params;
    const months = p.months;
    const normals = this.normals;
    const uniforms = this.uniforms;
    const L = p.choleskyFactor;
    // Every month consumes a fixed number of draws, so changing a parameter never shifts the
    // stream: two scenarios with the same seed see the same shocks (useful for sweeps).
    stream.fillNormals(normals, months * NORMALS_PER_MONTH);
    stream.fillUniforms(uniforms, months * UNIFORMS_PER_MONTH);

    // The price reads nothing else, so its path is drawn first (engine/priceModel.ts), or by a
    // process of one's own, which may draw further from the stream: every factor's draws are made.
    const logPriceUsd = this.logPriceUsd;
    const custom = this.customPrice;
    if (custom === null) simulateLogPrice(p.price, months, normals, uniforms, PRICE_DRAWS, L[0], logPriceUsd, this.bearMarket);
    else custom.run(normals, NORMALS_PER_MONTH, PRICE_DRAWS.shock, uniforms, UNIFORMS_PER_MONTH, PRICE_DRAWS.modelUniform, L[0], stream, logPriceUsd);
    this.priceSumUsd = fastExpInto(logPriceUsd, this.priceUsd);
    this.stepMonths();
    // Series the month loop does not read itself are exponentiated here, in tight loops where
    // fastExp is inlined: in the big loop V8's inlining budget ran out before every call site.
    this.energySumUsdPerMwh = fastExpInto(this.logEnergyUsdPerMwh, this.energyUsdPerMwh);
    this.aiDemandIndexSum = fastExpInto(this.logAiDemandIndex, this.aiDemandIndex);
    if (p.gpuPricePath) fastExpInto(this.newGpuUsdPerHour, this.newGpuUsdPerHour);
  }

  /**
   * The month loop: every factor but the price, and the chain. A method of its own so that V8's
   * inlining budget goes to the calls inside the loop (fastExp, the chain's month), not to the
   * draws and series made once a trial around it: with those in the same function, one process
   * in four left a fastExp call in the loop out of line.
   */
  private stepMonths(): void {
    const p = this.params;
    const months = p.months;
    const normals = this.normals;
    const uniforms = this.uniforms;
    const L = p.choleskyFactor;
    const priceUsdByMonth = this.priceUsd;
    // Everything the month loop reads, in locals: V8 does not keep object fields in registers
    // across the chain's stores, and this loop runs every trial-month.
    const networkHashrateEhs = this.networkHashrateEhs, difficultyByMonth = this.difficulty, feesByMonth = this.feesBtcPerBlock;
    const blockHeightByMonth = this.blockHeight;
    const subsidyByMonth = this.subsidyBtc, hashpriceByMonth = this.hashpriceUsdPerPhDay, logHashprice = this.logHashpriceUsdPerPhDay;
    const btcPerEhsMonth = this.btcPerEhsMonth, logEnergyByMonth = this.logEnergyUsdPerMwh, aiWinter = this.aiWinter;
    const logAiDemandIndex = this.logAiDemandIndex, newGpuUsdPerHour = this.newGpuUsdPerHour;
    const logBreakevenByMonth = p.logBreakevenByMonth, logEnergyMeanByMonth = p.logEnergyMeanByMonth;
    const lagMonths = p.responseLagMonths, hashrateGrowth = p.hashrateGrowthPerMonth, hashrateResponse = p.hashrateResponsePerMonth;
    const hashrateVol = p.hashrateVolPerMonth, logFeesMean = p.logFeesMean, feesDecay = p.feesDecay, feesVol = p.feesVol;
    const energyDecay = p.energyDecay, energyVol = p.energyVol, spikeMeanCount = p.spikeMeanCountPerMonth;
    const expMinusSpikeMeanCount = p.expMinusSpikeMeanCount, spikeMeanLog = p.spikeMeanLog, spikeSdLog = p.spikeSdLog;
    const aiDecay = p.aiDecay, aiVol = p.aiVol, logWinterIndexFactor = p.logWinterIndexFactor, gpuVol = p.gpuVolPerMonth;
    const winterEnter = p.winterEnterProbability, winterExit = p.winterExitProbability, gpuPricePath = p.gpuPricePath;
    const l5 = L[5], l6 = L[6], l10 = L[10], l11 = L[11], l12 = L[12], l15 = L[15], l16 = L[16], l17 = L[17], l18 = L[18];
    const l20 = L[20], l21 = L[21], l22 = L[22], l23 = L[23], l24 = L[24];

    let logHashrate = p.logHashrate0;
    let logFees = p.logFees0;
    let logEnergy = p.logEnergy0;
    let logAi = p.logAi0;
    let winter = 0;
    let logGpu = p.logGpu0;
    let hashpriceSum = 0;
    let feesSum = 0;
    let winterMonths = 0;
    /** Months whose log hashprice is in logHashprice. */
    let logsDone = 0;
    const chain = this.chain;
    chain.reset(p.height0, p.difficulty0, p.secondsSinceRetarget0);

    for (let m = 0; m < months; m++) {
      const priceUsd = priceUsdByMonth[m];
      const hashrateHs = fastExp(logHashrate);
      const feesBtc = fastExp(logFees);
      networkHashrateEhs[m] = hashrateHs * 1e-18;
      const difficulty = chain.difficulty;
      const subsidyBtc = chain.subsidyBtc;
      difficultyByMonth[m] = difficulty;
      blockHeightByMonth[m] = chain.height;
      feesByMonth[m] = feesBtc;
      feesSum += feesBtc;
      subsidyByMonth[m] = subsidyBtc;
      // Logs, exponentiated after the loop (see there).
      logEnergyByMonth[m] = logEnergy;
      aiWinter[m] = winter;
      winterMonths += winter;
      logAiDemandIndex[m] = winter ? logAi + logWinterIndexFactor : logAi;
      if (gpuPricePath) newGpuUsdPerHour[m] = logGpu;
      const hashprice = hashpriceUsdPerPhDay(subsidyBtc + feesBtc, priceUsd, difficulty);
      hashpriceByMonth[m] = hashprice;
      hashpriceSum += hashprice;

      const blocksTimesReward = chain.accrueMonth(m, hashrateHs, feesBtc);
      btcPerEhsMonth[m] =
        hashrateHs > NO_BLOCK_HASHRATE_HS
          ? (blocksTimesReward * 1e18) / hashrateHs
          : (1e18 * SECONDS_PER_MONTH * (subsidyBtc + feesBtc)) / (difficulty * HASHES_PER_DIFFICULTY);

      // Correlated shocks z = L e for the step to month m + 1.
      // Written out for the 5 factors: V8 does not unroll the triangular loop.
      const n0 = m * NORMALS_PER_MONTH;
      // The price shock L[0] e0 is applied in simulateLogPrice.
      const e0 = normals[n0], e1 = normals[n0 + 1], e2 = normals[n0 + 2], e3 = normals[n0 + 3], e4 = normals[n0 + 4];
      const zHashrate = l5 * e0 + l6 * e1;
      const zFees = l10 * e0 + l11 * e1 + l12 * e2;
      const zEnergy = l15 * e0 + l16 * e1 + l17 * e2 + l18 * e3;
      const zAi = l20 * e0 + l21 * e1 + l22 * e2 + l23 * e3 + l24 * e4;
      const u0 = m * UNIFORMS_PER_MONTH;

      const lagged = m - lagMonths > 0 ? m - lagMonths : 0;
      if (lagged >= logsDone) {
        // The logs of the hashprices up to this month, in one go: Math.log is a call into C, around
        // which V8 saves every live register, once a run here rather than every month. With a lag
        // of L months they come in runs of L + 1.
        for (; logsDone <= m; logsDone++) logHashprice[logsDone] = Math.log(hashpriceByMonth[logsDone]);
      }
      const gap = logHashprice[lagged] - logBreakevenByMonth[m];
      logHashrate += hashrateGrowth + hashrateResponse * gap + hashrateVol * zHashrate;

      logFees = logFeesMean + (logFees - logFeesMean) * feesDecay + feesVol * zFees;

      const energyMean = logEnergyMeanByMonth[m + 1 < months ? m + 1 : m];
      logEnergy = energyMean + (logEnergy - energyMean) * energyDecay + energyVol * zEnergy;
      const spikes = spikeMeanCount > 0 ? poissonFromUniform(spikeMeanCount, expMinusSpikeMeanCount, uniforms[u0 + 1]) : 0;
      if (spikes > 0) logEnergy += spikes * spikeMeanLog + Math.sqrt(spikes) * spikeSdLog * normals[n0 + 6];

      logAi = logAi * aiDecay + aiVol * zAi;
      if (gpuPricePath) logGpu += gpuVol * normals[n0 + 7];
      const switchU = uniforms[u0 + 2];
      winter = winter ? (switchU < winterExit ? 0 : 1) : switchU < winterEnter ? 1 : 0;
    }
    // The loop logged the hashprices up to the last lagged month; the rest, for the policies.
    for (; logsDone < months; logsDone++) logHashprice[logsDone] = Math.log(hashpriceByMonth[logsDone]);
    this.hashpriceSumUsdPerPhDay = hashpriceSum;
    this.feesSumBtcPerBlock = feesSum;
    this.aiWinterMonths = winterMonths;
  }
}
