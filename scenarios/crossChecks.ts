// Checks that zod cannot express field by field: the correlation matrix must be a valid correlation
// matrix (the engine takes its Cholesky factor), strategy names must be unique (they are column
// names), the price model's rules (priceModelChecks.ts), deal fields that another choice makes
// irrelevant (dealChecks.ts) and an optimal strategy's rules (optimalStrategyChecks.ts). They read
// the raw input, so they run and report even when zod found other problems.
import { cholesky } from '../engine/cholesky.js';
import { DEAL_RULES, dealProblems } from './dealChecks.js';
import { isRecord, valueAt } from './fields.js';
import { OPTIMAL_STRATEGY_RULES, optimalStrategyProblems } from './optimalStrategyChecks.js';
import { PRICE_MODEL_RULES, priceModelProblems } from './priceModelChecks.js';
import { FACTORS } from './schema.js';
import type { ScenarioProblem } from './scenarioError.js';

/** The rules below in words, for SCHEMA.md: kept beside the code that enforces them. */
export const CROSS_FIELD_RULES: readonly { path: string; rule: string }[] = [
  {
    path: 'market.correlation',
    rule: `symmetric (|[i][j] - [j][i]| < 1e-12), unit diagonal and positive definite (it must have a Cholesky factor); rows and columns in the order ${FACTORS.join(', ')}`,
  },
  { path: 'strategies[].name', rule: 'unique within the scenario, case and spaces aside (names label result columns: "Stay" and "stay " would print as the same row)' },
  ...PRICE_MODEL_RULES,
  ...DEAL_RULES,
  ...OPTIMAL_STRATEGY_RULES,
];

/** Entries [i][j] and [j][i] may differ by rounding only. */
const SYMMETRY_TOLERANCE = 1e-12;

const CORRELATION_PATH = 'market.correlation';

function isSquareMatrixInRange(value: unknown, size: number): value is number[][] {
  return (
    Array.isArray(value) &&
    value.length === size &&
    value.every(
      (row) =>
        Array.isArray(row) &&
        row.length === size &&
        row.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= -1 && x <= 1),
    )
  );
}

/** Problems with a correlation matrix over FACTORS; [] when zod will already reject its shape or range. */
export function correlationProblems(matrix: unknown): ScenarioProblem[] {
  const n = FACTORS.length;
  if (!isSquareMatrixInRange(matrix, n)) return [];
  const problems: ScenarioProblem[] = [];
  for (let i = 0; i < n; i++) {
    if (matrix[i][i] !== 1) {
      problems.push({
        path: `${CORRELATION_PATH}[${i}][${i}]`,
        message: `diagonal entry (${FACTORS[i]} with itself) is ${matrix[i][i]}`,
        allowed: '1: every factor is perfectly correlated with itself',
      });
    }
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(matrix[i][j] - matrix[j][i]) >= SYMMETRY_TOLERANCE) {
        problems.push({
          path: `${CORRELATION_PATH}[${i}][${j}]`,
          message: `is ${matrix[i][j]} but ${CORRELATION_PATH}[${j}][${i}] is ${matrix[j][i]}: the matrix is not symmetric`,
          allowed: `the same value in [${i}][${j}] and [${j}][${i}] (both are the correlation of ${FACTORS[i]} with ${FACTORS[j]})`,
        });
      }
    }
  }
  // cholesky() reads the lower triangle only, so it says something only about a symmetric matrix.
  if (problems.length > 0 || cholesky(matrix) !== null) return problems;
  // Name the smallest leading block that already fails: it says which factors conflict.
  let size = 2;
  while (size < n && cholesky(matrix.slice(0, size).map((row) => row.slice(0, size))) !== null) size++;
  const involved = FACTORS.slice(0, size).join(', ');
  problems.push({
    path: CORRELATION_PATH,
    message: `is not positive definite: the correlations among ${involved} cannot all hold at once`,
    allowed:
      'a positive definite matrix (symmetric, unit diagonal, all eigenvalues > 0); e.g. if price correlates 0.9 with both ' +
      'hashrate and fees, hashrate and fees cannot correlate -0.9: weaken the largest off-diagonal entries',
  });
  return problems;
}

/** A name as a reader of a table sees it: case, surrounding and repeated spaces do not tell two rows apart. */
const nameAsRead = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** One problem per strategy whose name an earlier strategy already uses, or differs from it only by case or spaces. */
export function duplicateNameProblems(strategies: unknown): ScenarioProblem[] {
  if (!Array.isArray(strategies)) return [];
  const first = new Map<string, { index: number; name: string }>();
  const problems: ScenarioProblem[] = [];
  strategies.forEach((strategy, index) => {
    if (!isRecord(strategy) || typeof strategy.name !== 'string') return;
    const earlier = first.get(nameAsRead(strategy.name));
    if (earlier === undefined) {
      first.set(nameAsRead(strategy.name), { index, name: strategy.name });
      return;
    }
    problems.push({
      path: `strategies[${index}].name`,
      message:
        earlier.name === strategy.name
          ? `"${strategy.name}" is already the name of strategies[${earlier.index}]`
          : `"${strategy.name}" differs from the name of strategies[${earlier.index}], "${earlier.name}", only by case or spaces: the two would print as the same row`,
      allowed: 'a name no other strategy in this scenario uses, case and spaces aside (names label result columns)',
    });
  });
  return problems;
}

/** Every cross-field problem in a raw (unvalidated) scenario. */
export function crossFieldProblems(raw: unknown): ScenarioProblem[] {
  return [
    ...correlationProblems(valueAt(raw, ['market', 'correlation'])),
    ...priceModelProblems(raw),
    ...duplicateNameProblems(valueAt(raw, ['strategies'])),
    ...dealProblems(raw),
    ...optimalStrategyProblems(raw),
  ];
}
