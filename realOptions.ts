// `import { priceBermudanPut, fitStoppingPolicy } from 'hashpivot/realOptions'`: the least-squares
// Monte Carlo core on its own, for researchers. It knows nothing about mining: a problem gives the
// regression state and exercise values of its fitting paths (StoppingProblem), the core fits an
// exercise policy, and the evaluator applies it to fresh paths. priceBermudanPut is the textbook
// check (Longstaff & Schwartz 2001, Table 1); dualUpperBound the Andersen-Broadie upper bound.
export {
  fitStoppingPolicy,
  StoppingPolicyEvaluator,
  type StoppingFit,
  type StoppingFitOptions,
  type StoppingPolicy,
  type StoppingProblem,
} from './engine/leastSquaresMonteCarlo.js';
export { RegressionBasis, basisSize, BASIS_KINDS, type BasisKind, type BasisSpec } from './engine/regressionBasis.js';
export {
  priceBermudanPut,
  fitBermudanPut,
  priceWithPolicy,
  europeanPutPrice,
  BermudanPutModel,
  LONGSTAFF_SCHWARTZ_BASIS,
  type BermudanPutSpec,
  type BermudanPutPrice,
} from './engine/bermudanPut.js';
export { dualUpperBound, type DualBound, type DualBoundOptions, type MarkovStoppingModel } from './engine/dualUpperBound.js';
