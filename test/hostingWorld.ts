// A deterministic world for the converted part of the site: the frozen `bench` model with hosting
// fields overridden, AI index fixed at 1, no winters, GPU price fixed at $2/h, every tenant signing
// as soon as the site looks and never defaulting (tests edit the draws to say otherwise).
import { MarketPath, marketParams } from '../engine/market.js';
import { Hosting } from '../engine/hosting.js';
import { SiteDraws, siteParams } from '../engine/site.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';

export function setting(hosting: Record<string, unknown> = {}, top: Record<string, unknown> = {}) {
  const base = resolvedScenarioJson(loadScenario('bench')) as Record<string, any>;
  // A field the overrides make irrelevant (the other lease form's cost, hazards under a grade) is an error if written.
  const baseHosting = { ...base.hosting };
  if (hosting.leaseForm === 'modifiedGross') delete baseHosting.tripleNetCostShareOfRent;
  if (hosting.tenantCreditGrade !== undefined && hosting.tenantCreditGrade !== 'custom') {
    delete baseHosting.defaultHazardPerYear;
    delete baseHosting.winterDefaultHazardPerYear;
  }
  const scenario = parseScenario(
    {
      ...base,
      horizonMonths: 60,
      ...top,
      hosting: { ...baseHosting, ...hosting },
      market: { ...base.market, aiDemand: { ...base.market.aiDemand, volatilityPerYear: 0, winterHazardPerYear: 0, gpuVolatilityPerYear: 0 } },
    },
    'test',
  );
  const site = siteParams(scenario);
  // The tests run the hosting with either operation, whatever the world's strategies: the GPU price path is made.
  const market = new MarketPath({ ...marketParams(scenario), gpuPricePath: true });
  // Any draws will do for the market: the hosting numbers below depend only on AI index and GPU price.
  market.simulate({ fillNormals: (b: Float64Array, n: number) => b.fill(0, 0, n), fillUniforms: (b: Float64Array, n: number) => b.fill(0.5, 0, n) } as never);
  const draws = new SiteDraws(site);
  draws.buildMonths = 12;
  draws.signingU.fill(0); // a tenant signs as soon as the site looks
  draws.defaultU.fill(1); // and never defaults
  return { scenario, site, market, draws, hosting: new Hosting(site) };
}

export function months(h: Hosting, market: MarketPath, draws: SiteDraws, count: number) {
  const rows = [];
  for (let m = 0; m < count; m++) {
    h.month(m, market, draws);
    rows.push({
      rent: h.rentUsd, recovery: h.recoveryUsd, capex: h.capexEquityUsd, debt: h.debtServiceUsd, opex: h.operatingCostUsd, kwh: h.itKwhLeased, mwh: h.energyMwh,
      advance: h.advanceReceivedUsd, credited: h.creditedUsd, offline: h.offlineShare,
    });
  }
  return rows;
}

