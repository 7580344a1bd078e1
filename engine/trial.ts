// The Monte Carlo kernel: for each trial, derive its streams from (seed, trial index), draw one
// market path and the site's draws, run every strategy over them, and record outcomes and band
// counts. One kernel per worker: every buffer is allocated here once and reused for every trial.
import { BandCollector } from './bandCollector.js';
import { MarketPath } from './market.js';
import { MARKET_BAND_SERIES, type Model } from './model.js';
import { firstNonFinite, marketNonFinite, NonFiniteTrialError } from './nonFiniteTrial.js';
import { MARKET_METRICS, STRATEGY_METRICS, type OutcomeBlock } from './outcomes.js';
import { RandomStream, TrialAlea } from './random.js';
import { SiteDraws } from './site.js';
import { StrategyEvaluator } from './strategy.js';
import { SwitchDecider, type SwitchPolicy } from './switchPolicy.js';

const METRIC_COUNT = STRATEGY_METRICS.length;
const at = (metric: (typeof STRATEGY_METRICS)[number]) => STRATEGY_METRICS.indexOf(metric);
const NPV = at('npvUsd'), IRR = at('irr'), PAYBACK = at('paybackMonth'), MIN_CASH = at('minCashUsd');
const RUINED = at('ruined'), RUIN_MONTH = at('ruinMonth'), BTC = at('btcMined'), REVENUE_PER_KWH = at('revenueUsdPerKwh');
const PEAK_FUNDING = at('peakFundingUsd'), PEAK_FUNDING_MONTH = at('peakFundingMonth');
const SWITCH_MONTH = at('switchMonth'), SWITCH_SHARE = at('switchShare'), SWITCH_PRICE = at('switchPriceUsd');
const LEASE_SIGNED = at('leaseSignedMonth'), DEFAULTS = at('tenantDefaults'), TERMINAL_PV = at('terminalPvUsd');
const HALVING = MARKET_METRICS.indexOf('nextHalvingMonth');
const FINAL_PRICE = MARKET_METRICS.indexOf('finalPriceUsd');
const FINAL_DIFFICULTY = MARKET_METRICS.indexOf('finalDifficulty');
const WINTER_MONTHS = MARKET_METRICS.indexOf('aiWinterMonths');
const MEAN_PRICE = MARKET_METRICS.indexOf('meanPriceUsd');
const MEAN_HASHPRICE = MARKET_METRICS.indexOf('meanHashpriceUsdPerPhDay');
const MEAN_ENERGY = MARKET_METRICS.indexOf('meanEnergyUsdPerMwh');
const MEAN_FEES = MARKET_METRICS.indexOf('meanFeesBtcPerBlock');
const MEAN_AI = MARKET_METRICS.indexOf('meanAiDemandIndex');
const FINAL_AI = MARKET_METRICS.indexOf('finalAiDemandIndex');
const MARKET_BAND_COUNT = MARKET_BAND_SERIES.length;

export class TrialKernel {
  readonly market: MarketPath;
  readonly siteDraws: SiteDraws;
  readonly evaluator: StrategyEvaluator;
  /** Per strategy: the decider of an optimal or policy strategy (setSwitchPolicies), null for the others. */
  private deciders: (SwitchDecider | null)[] = [];
  private readonly marketStream = new RandomStream();
  private readonly siteStream = new RandomStream();
  private readonly alea = new TrialAlea();

  /** `switchPolicies`: the conversion policies of its optimal and policy strategies, by strategy name. */
  constructor(readonly model: Model, switchPolicies: Record<string, SwitchPolicy> = {}) {
    this.market = new MarketPath(model.market);
    this.siteDraws = new SiteDraws(model.site);
    this.evaluator = new StrategyEvaluator(model.site);
    this.setSwitchPolicies(switchPolicies);
  }

  /**
   * Applies these conversion policies (by strategy name) to the trials from now on. A thread builds
   * its kernel once per scenario and keeps it for a policy's fit, which needs none, and the trials
   * after it (runners/threadKernel.ts): the policies are the only part that changes.
   */
  setSwitchPolicies(policies: Record<string, SwitchPolicy>): void {
    this.deciders = this.model.strategies.map((rule) => {
      const policy = policies[rule.name];
      return policy ? new SwitchDecider(policy, rule.name) : null;
    });
  }

  /** A fresh band collector shaped for this model's band series. */
  createBandCollector(): BandCollector {
    return new BandCollector(this.model.bands, this.model.market.months);
  }

  /** Simulates one trial's market and site draws (exposed for tests of common random numbers). */
  drawTrial(seed: number, trialIndex: number): void {
    this.drawFrom(this.alea.reset(seed, trialIndex));
  }

  /** Simulates path `index` of the paths a conversion policy is fitted on: streams no trial uses. */
  drawFitPath(seed: number, index: number): void {
    this.drawFrom(this.alea.resetLabelled(seed, 'fit', index));
  }

  private drawFrom(alea: { int32(): number }): void {
    // One Alea seeds both streams, in STREAMS order: market, then site.
    this.market.simulate(this.marketStream.seedFrom(alea));
    this.siteDraws.draw(this.siteStream.seedFrom(alea));
  }

  /** The market drivers of the trial just drawn (MARKET_METRICS), from the sums the path kept as it was made. */
  private recordDrivers(block: OutcomeBlock, t: number): void {
    const market = this.market;
    const months = market.params.months;
    const n = block.trialCount;
    block.market[WINTER_MONTHS * n + t] = market.aiWinterMonths;
    block.market[MEAN_PRICE * n + t] = market.priceSumUsd / months;
    block.market[MEAN_HASHPRICE * n + t] = market.hashpriceSumUsdPerPhDay / months;
    block.market[MEAN_ENERGY * n + t] = market.energySumUsdPerMwh / months;
    block.market[MEAN_FEES * n + t] = market.feesSumBtcPerBlock / months;
    block.market[MEAN_AI * n + t] = market.aiDemandIndexSum / months;
    block.market[FINAL_AI * n + t] = market.aiDemandIndex[months - 1];
  }

  /** Where the trial just run went non-finite (cold: only after its outcomes failed the check). */
  private nonFiniteError(block: OutcomeBlock, t: number): NonFiniteTrialError {
    const trial = block.firstTrial + t;
    const market = this.market;
    const inMarket = marketNonFinite(market);
    if (inMarket !== null) return new NonFiniteTrialError(trial, inMarket.month, inMarket.series, inMarket.value);
    this.model.strategies.forEach((rule, s) => {
      const decider = this.deciders[s];
      const o = this.evaluator.evaluate(decider ? decider.decide(market) : rule, market, this.siteDraws);
      const inCash = firstNonFinite([{ name: `strategy ${rule.name} cashUsd`, values: this.evaluator.cashUsd }]);
      if (inCash !== null) throw new NonFiniteTrialError(trial, inCash.month, inCash.series, inCash.value);
      for (const metric of ['npvUsd', 'minCashUsd', 'btcMined', 'peakFundingUsd'] as const) {
        if (!Number.isFinite(o[metric])) throw new NonFiniteTrialError(trial, null, `strategy ${rule.name} ${metric}`, o[metric]);
      }
    });
    // Every month finite, yet a mean over the horizon overflowed.
    const metric = MARKET_METRICS.findIndex((_, i) => i !== HALVING && !Number.isFinite(block.market[i * block.trialCount + t]));
    if (metric < 0) throw new Error(`trial ${trial}: the finite check failed but no value is non-finite (a bug)`);
    return new NonFiniteTrialError(trial, null, `market ${MARKET_METRICS[metric]}`, block.market[metric * block.trialCount + t]);
  }

  /**
   * Runs the block's trials from..to-1 (by default all: block.firstTrial onwards, block.trialCount
   * of them) into the block and the collector.
   */
  run(seed: number, block: OutcomeBlock, bands: BandCollector | null, from = 0, to = block.trialCount): void {
    const n = block.trialCount;
    const strategies = this.model.strategies;
    this.model.scenario.strategies.forEach((spec, s) => {
      // runScenario fits optimal strategies and reads policy files before any trial runs.
      if ((spec.kind === 'optimal' || spec.kind === 'policy') && this.deciders[s] === null) throw new Error(`strategy ${spec.name} (${spec.kind}) has no policy to apply`);
    });
    const market = this.market;
    const last = market.params.months - 1;
    for (let t = from; t < to; t++) {
      this.drawTrial(seed, block.firstTrial + t);
      block.market[HALVING * n + t] = market.nextHalvingMonth;
      block.market[FINAL_PRICE * n + t] = market.priceUsd[last];
      block.market[FINAL_DIFFICULTY * n + t] = market.difficulty[last];
      this.recordDrivers(block, t);
      // Stays 0 while every value that must be finite is (x * 0 is NaN for NaN and ±Infinity; NaN
      // marks only absent values: IRR, payback, revenue per kWh of a site that used none...).
      const mk = block.market;
      let nonFinite =
        mk[FINAL_PRICE * n + t] * 0 + mk[FINAL_DIFFICULTY * n + t] * 0 + mk[MEAN_PRICE * n + t] * 0 + mk[MEAN_HASHPRICE * n + t] * 0 +
        mk[MEAN_ENERGY * n + t] * 0 + mk[MEAN_FEES * n + t] * 0 + mk[MEAN_AI * n + t] * 0;
      if (bands) {
        bands.addPath(0, market.priceUsd);
        bands.addPath(1, market.hashpriceUsdPerPhDay);
        bands.addPath(2, market.difficulty);
        bands.addPath(3, market.energyUsdPerMwh);
      }
      for (let s = 0; s < strategies.length; s++) {
        const decider = this.deciders[s];
        const o = this.evaluator.evaluate(decider ? decider.decide(market) : strategies[s], market, this.siteDraws);
        const base = s * METRIC_COUNT * n + t;
        block.strategy[base + NPV * n] = o.npvUsd;
        block.strategy[base + IRR * n] = o.irr;
        block.strategy[base + PAYBACK * n] = o.paybackMonth;
        block.strategy[base + MIN_CASH * n] = o.minCashUsd;
        block.strategy[base + RUINED * n] = o.ruined;
        block.strategy[base + RUIN_MONTH * n] = o.ruinMonth;
        block.strategy[base + BTC * n] = o.btcMined;
        block.strategy[base + REVENUE_PER_KWH * n] = o.revenueUsdPerKwh;
        block.strategy[base + PEAK_FUNDING * n] = o.peakFundingUsd;
        block.strategy[base + PEAK_FUNDING_MONTH * n] = o.peakFundingMonth;
        block.strategy[base + SWITCH_MONTH * n] = o.switchMonth;
        block.strategy[base + SWITCH_SHARE * n] = o.switchShare;
        block.strategy[base + SWITCH_PRICE * n] = o.switchPriceUsd;
        block.strategy[base + LEASE_SIGNED * n] = o.leaseSignedMonth;
        block.strategy[base + DEFAULTS * n] = o.tenantDefaults;
        block.strategy[base + TERMINAL_PV * n] = o.terminalPvUsd;
        nonFinite += o.npvUsd * 0 + o.minCashUsd * 0 + o.btcMined * 0 + o.peakFundingUsd * 0;
        if (bands) bands.addPath(MARKET_BAND_COUNT + s, this.evaluator.cashUsd);
      }
      if (nonFinite !== 0) throw this.nonFiniteError(block, t);
      if (bands) bands.endTrial();
    }
  }
}
