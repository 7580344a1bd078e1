// Tenant default risk by credit grade: the yearly default probability of an issuer of that rating
// in an ordinary year and in the worst year on record, from S&P Global Ratings' annual global
// corporate default and rating transition studies (issuer-weighted, 1981-2023; "Default,
// Transition, and Recovery: 2023 Annual Global Corporate Default And Rating Transition Study",
// March 2024). Rounded; re-check before quoting. The worst year stands in for an AI winter: a
// downturn that hits the tenant's own market the way 1991, 2002 or 2009 hit the rated universe.
// An AI tenant in an AI winter may fare worse than the average issuer of its grade did in a
// general recession; a scenario that thinks so sets the hazards itself (tenantCreditGrade: custom).

export const CREDIT_GRADES = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC'] as const;
export type CreditGrade = (typeof CREDIT_GRADES)[number];

interface GradeDefaults {
  /** Long-run average one-year default rate (share of issuers). */
  averagePerYear: number;
  /** Highest one-year default rate of any year 1981-2023. */
  worstYearPerYear: number;
}

/** S&P long-run averages and worst years (approximate): AAA 0.00 / 0.00 ... CCC/C 26.5% / 49%. */
const DEFAULT_RATES: Record<CreditGrade, GradeDefaults> = {
  AAA: { averagePerYear: 0, worstYearPerYear: 0 },
  AA: { averagePerYear: 0.0002, worstYearPerYear: 0.0038 },
  A: { averagePerYear: 0.0005, worstYearPerYear: 0.0039 },
  BBB: { averagePerYear: 0.0015, worstYearPerYear: 0.0102 },
  BB: { averagePerYear: 0.006, worstYearPerYear: 0.0422 },
  B: { averagePerYear: 0.032, worstYearPerYear: 0.138 },
  CCC: { averagePerYear: 0.265, worstYearPerYear: 0.49 },
};

/** A yearly default probability as a constant hazard: -ln(1 - p). */
const hazardOf = (probabilityPerYear: number) => -Math.log1p(-probabilityPerYear);

/** Default hazards (1/yr) of a tenant of this grade in normal times and in an AI winter. */
export function gradeHazardsPerYear(grade: CreditGrade): { normal: number; winter: number } {
  const rates = DEFAULT_RATES[grade];
  return { normal: hazardOf(rates.averagePerYear), winter: hazardOf(rates.worstYearPerYear) };
}
