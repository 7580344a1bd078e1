// The one error a bad scenario produces: every problem found, each naming the field, what is wrong
// and what would be accepted, so a user fixes the whole file in one pass instead of one error per run.

export interface ScenarioProblem {
  /** Where: a dotted field path ("market.price.volatilityPerYear", "strategies[1].share"), or "(file)" / "line L, column C" for problems reading the file. */
  path: string;
  /** What is wrong, with the offending value. */
  message: string;
  /** What is allowed, or the fix. */
  allowed: string;
}

/** Path used for problems that concern the whole scenario object rather than one field. */
export const TOP_LEVEL_PATH = '(top level)';
/** Path used for problems with the file itself (missing, unreadable, empty). */
export const FILE_PATH = '(file)';

export class ScenarioError extends Error {
  readonly origin: string;
  readonly problems: readonly ScenarioProblem[];

  constructor(origin: string, problems: readonly ScenarioProblem[]) {
    super(formatProblems(origin, problems));
    this.name = 'ScenarioError';
    this.origin = origin;
    this.problems = problems;
  }
}

/** One line per problem: `origin: path: what is wrong (allowed: ...)`. */
export function formatProblems(origin: string, problems: readonly ScenarioProblem[]): string {
  return problems.map((p) => `${origin}: ${p.path}: ${p.message} (allowed: ${p.allowed})`).join('\n');
}
