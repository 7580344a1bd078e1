// The Monte Carlo kernel: for each trial, derive its streams from (seed, trial index), draw one
// market path and the site's draws, run every strategy over them, and record outcomes and band
// counts. One kernel per worker: every buffer is allocated here once and reused for every trial.
import { BandCollector } from './bandCollector.js';
import { MarketPath } from './market.js';
import { MARKET_BAND_SERIES, type Model } from './model.js';
import { MARKET_METRICS, STRATEGY_METRICS, type OutcomeBlock } from './outcomes.js';
import { labelledAlea, RandomStream, TrialAlea } from './random.js';
import { SiteDraws } from './site.js';
import { StrategyEvaluator } from './strategy.js';
import { SwitchDecider } from './switchPolicy.js';

const METRIC_COUNT = STRATEGY_METRICS.length;
const at = (metric: (typeof STRATEGY_METRICS)[number]) => STRATEGY_METRICS.indexOf(metric);
const NPV = at('npvUsd'), IRR = at('irr'), PAYBACK = at('paybackMonth'), MIN_CASH = at('minCashUsd');
const RUINED = at('ruined'), RUIN_MONTH = at('ruinMonth'), BTC = at('btcMined'), REVENUE_PER_KWH = at('revenueUsdPerKwh');
const PEAK_FUNDING = at('peakFundingUsd'), PEAK_FUNDING_MONTH = at('peakFundingMonth');
const SWITCH_MONTH = at('switchMonth'), SWITCH_SHARE = at('switchShare'), SWITCH_PRICE = at('switchPriceUsd');
const LEASE_SIGNED = at('leaseSignedMonth'), DEFAULTS = at('tenantDefaults');
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
  /** Per strategy: the decider of an optimal or policy strategy, null for the others. */
  private readonly deciders: (SwitchDecider | null)[];
  private readonly marketStream = new RandomStream();
  private readonly siteStream = new RandomStream();
  private readonly alea = new TrialAlea();

  constructor(readonly model: Model) {
    this.market = new MarketPath(model.market);
    this.siteDraws = new SiteDraws(model.site);
    this.evaluator = new StrategyEvaluator(model.site);
    this.deciders = model.switchPolicies.map((policy, s) => (policy ? new SwitchDecider(policy, model.strategies[s].name) : null));
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
    this.drawFrom(labelledAlea(seed, 'fit', index));
  }

  private drawFrom(alea: { int32(): number }): void {
    // One Alea seeds both streams, in STREAMS order: market, then site.
    this.market.simulate(this.marketStream.seedFrom(alea));
    this.siteDraws.draw(this.siteStream.seedFrom(alea));
  }

  /** The market drivers of the trial just drawn (MARKET_METRICS): one pass over its path, no allocation. */
  private recordDrivers(block: OutcomeBlock, t: number): void {
    const market = this.market;
    const months = market.params.months;
    const n = block.trialCount;
    let winterMonths = 0;
    let priceUsd = 0;
    let hashprice = 0;
    let energyUsdPerMwh = 0;
    let feesBtc = 0;
    let aiIndex = 0;
    for (let m = 0; m < months; m++) {
      winterMonths += market.aiWinter[m];
      priceUsd += market.priceUsd[m];
      hashprice += market.hashpriceUsdPerPhDay[m];
      energyUsdPerMwh += market.energyUsdPerMwh[m];
      feesBtc += market.feesBtcPerBlock[m];
      aiIndex += market.aiDemandIndex[m];
    }
    block.market[WINTER_MONTHS * n + t] = winterMonths;
    block.market[MEAN_PRICE * n + t] = priceUsd / months;
    block.market[MEAN_HASHPRICE * n + t] = hashprice / months;
    block.market[MEAN_ENERGY * n + t] = energyUsdPerMwh / months;
    block.market[MEAN_FEES * n + t] = feesBtc / months;
    block.market[MEAN_AI * n + t] = aiIndex / months;
    block.market[FINAL_AI * n + t] = market.aiDemandIndex[months - 1];
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
    for (let t = from; t < to; t++) {
      this.drawTrial(seed, block.firstTrial + t);
      block.market[HALVING * n + t] = market.nextHalvingMonth;
      block.market[FINAL_PRICE * n + t] = market.priceUsd[market.params.months - 1];
      block.market[FINAL_DIFFICULTY * n + t] = market.difficulty[market.params.months - 1];
      this.recordDrivers(block, t);
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
        if (bands) bands.addPath(MARKET_BAND_COUNT + s, this.evaluator.cashUsd);
      }
      if (bands) bands.endTrial();
    }
  }
}
