// The decision headline's logic on hand-made summaries with known answers: the ranking by the stated
// criterion (fundable strategies first, each group by mean NPV), the strategy that would lead with
// outside funding, and the probability that the top two are in the right order, Phi(d / SE).
import { describe, expect, it } from 'vitest';
import { decide, normalCdf, FUNDING_SHORTFALL_LIMIT } from '../outputs/decision.js';
import type { Summary } from '../outputs/summary.js';

interface Spec {
  name: string;
  kind?: string;
  mean: number;
  se: number;
  pRuin: number;
}

/** A summary holding just what the decision reads; pairs from `differences` (a - b mean and SE). */
function summaryOf(specs: Spec[], differences: Record<string, [number, number, number]>): Summary {
  const strategies = specs.map((s) => ({
    name: s.name,
    kind: s.kind ?? 'convert',
    metrics: { npvUsd: { mean: s.mean, standardError: s.se, var5: s.mean - 50e6, cvar5: s.mean - 80e6 } },
    pRuin: { p: s.pRuin, standardError: Math.sqrt((s.pRuin * (1 - s.pRuin)) / 1000) },
  }));
  const pairs = Object.entries(differences).map(([key, [d, se, p]]) => {
    const [a, b] = key.split('>');
    return { a, b, npvUsd: { definedPairCount: 1000, pABeatsB: p, pABeatsBStandardError: 0.01, meanDifference: d, standardError: se, ci95: [d - 1.96 * se, d + 1.96 * se] } };
  });
  return { trials: 1000, strategies, pairs } as unknown as Summary;
}

describe('the decision', () => {
  it('Phi matches the normal table: 0.5, 0.8413, 0.975, 0.99865', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.841344746, 6);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.001349898, 6);
    expect(normalCdf(Infinity)).toBe(1);
  });

  it('ranks fundable strategies first by mean NPV, and names the better one that needs outside funding', () => {
    const summary = summaryOf(
      [
        { name: 'stay', kind: 'stay', mean: 10e6, se: 1e6, pRuin: 0 },
        { name: 'convert', mean: 170e6, se: 5e6, pRuin: 1 },
        { name: 'hybrid', mean: 20e6, se: 2e6, pRuin: 0.01 },
      ],
      { 'stay>convert': [-160e6, 5e6, 0.2], 'stay>hybrid': [-10e6, 4e6, 0.3], 'convert>hybrid': [150e6, 4e6, 0.8] },
    );
    const decision = decide(summary);
    expect(decision.ranked.map((s) => s.name)).toEqual(['hybrid', 'stay', 'convert']);
    expect(decision.leader.name).toBe('hybrid');
    expect(decision.baseline).toBe('stay');
    expect(decision.leader.pBeatsBaseline).toBeCloseTo(0.7, 12); // 1 - P(stay beats hybrid)
    expect(decision.betterIfFunded.map((s) => s.name)).toEqual(['convert']);
    // hybrid leads stay by 10 ± 4: Phi(2.5).
    expect(decision.leaderOrder).toMatchObject({ ahead: 'hybrid', behind: 'stay', meanDifferenceUsd: 10e6, standardErrorUsd: 4e6 });
    expect(decision.leaderOrder!.pOrderRight).toBeCloseTo(0.993790335, 6);
    expect(decision.topTwoByMean).toMatchObject({ ahead: 'convert', behind: 'hybrid' });
    expect(decision.maxStandardErrorUsd).toBe(5e6);
    expect(decision.criterion).toContain(`${FUNDING_SHORTFALL_LIMIT * 100}% of futures`);
  });

  it('reads the funding block when summary.json has one: P(need > own funds) and the outside funding needed', () => {
    const summary = summaryOf(
      [
        { name: 'stay', kind: 'stay', mean: 10e6, se: 1e6, pRuin: 0 },
        { name: 'convert', mean: 170e6, se: 5e6, pRuin: 1 },
      ],
      { 'stay>convert': [-160e6, 5e6, 0.2] },
    );
    const funding = (p: number, p50: number, p95: number) => ({
      ownFundsUsd: 60e6,
      pExceedsOwnFunds: { p, standardError: 0.01 },
      externalUsd: { percentiles: { p50, p95 } },
    });
    Object.assign(summary.strategies[0], { funding: funding(0, 0, 0) });
    Object.assign(summary.strategies[1], { funding: funding(0.97, 21e6, 27.5e6) });
    const decision = decide(summary);
    expect(decision.ownFundsUsd).toBe(60e6);
    expect(decision.leader.name).toBe('stay');
    expect(decision.betterIfFunded[0]).toMatchObject({ name: 'convert', pFundingShortfall: 0.97, outsideFundingP50Usd: 21e6, outsideFundingP95Usd: 27.5e6, funded: false });
  });

  it('ranks by mean NPV alone, and says so, when no strategy can be funded from the site', () => {
    const summary = summaryOf(
      [
        { name: 'a', kind: 'stay', mean: 5e6, se: 1e6, pRuin: 0.5 },
        { name: 'b', mean: 6e6, se: 1e6, pRuin: 0.9 },
      ],
      { 'a>b': [-1e6, 1e6, 0.45] },
    );
    const decision = decide(summary);
    expect(decision.ranked.map((s) => s.name)).toEqual(['b', 'a']);
    expect(decision.betterIfFunded).toEqual([]);
    expect(decision.leaderOrder).toBeNull();
    expect(decision.topTwoByMean!.pOrderRight).toBeCloseTo(normalCdf(1), 12);
    expect(decision.criterion).toMatch(/^highest mean NPV \(no strategy/);
  });
});
