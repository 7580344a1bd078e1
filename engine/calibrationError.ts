/** Thrown when a fit cannot give finite estimates: too few points, non-finite input, no optimum. */
export class CalibrationError extends Error {
  override name = 'CalibrationError';
}
