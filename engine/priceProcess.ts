// A price process of one's own (market.price.model: custom): the interface a module implements to
// replace the engine's BTC price step. The engine calls it once per trial with that trial's draws,
// after the market's fixed draws are made, so the step can neither shift another factor's draws
// nor see another trial's: determinism and common random numbers hold whatever it does, as long as
// it draws only from what it is given and keeps no state between trials (runners/processModule.ts
// checks both when it loads a module). The module is loaded by the runner from a path named on the
// command line or in the API call, never from a scenario: engine/ only receives the object.

/** Further draws for a step that needs more than one shock and one uniform a month. */
export interface TrialRandom {
  /** A uniform on (0, 1). */
  uniform(): number;
  /** Fills out[0 .. count) with standard normals. */
  fillNormals(out: Float64Array, count: number): void;
  /** Fills out[0 .. count) with uniforms on (0, 1). */
  fillUniforms(out: Float64Array, count: number): void;
}

/** One trial's draws for the price step. */
export interface PriceStepDraws {
  readonly months: number;
  /**
   * The standard normal price shock of each month: the one the built-in models use, correlated
   * with the hashrate, fee, energy and AI shocks as market.correlation says.
   */
  readonly shock: Float64Array;
  /** A uniform of each month for the model's own use (the built-in regimes and bootstrap use it). */
  readonly uniform: Float64Array;
  /** The trial's market stream after the fixed draws of every factor: any number of further draws. */
  readonly random: TrialRandom;
}

export interface PriceProcessContext {
  /** Months simulated: the step writes ln price of months 0 .. months - 1. */
  readonly months: number;
  /** ln of the as-of price: month 0's value. */
  readonly logPrice0: number;
  /** Length of a month in years (1 / 12). */
  readonly dtYears: number;
}

/** The step of one compiled model: one per worker thread, reused for every trial. */
export interface PriceStep {
  /**
   * Writes ln price of months 0 .. months - 1 into `logPriceOut` (month m = the state at the start of
   * month m; month 0 = context.logPrice0) from this trial's draws. Called once per trial; must keep
   * nothing from one call to the next.
   */
  simulate(draws: PriceStepDraws, logPriceOut: Float64Array): void;
}

/** What a process module exports (as `priceProcess`, or as its default export). */
export interface PriceProcess<Parameters = unknown> {
  /** The name a scenario's market.price.custom.process must give. */
  readonly name: string;
  /**
   * Checks market.price.custom.parameters and returns them in the form `create` takes; throws an
   * Error whose message names the parameter and what is allowed.
   */
  parameters(raw: Readonly<Record<string, unknown>>): Parameters;
  create(parameters: Parameters, context: PriceProcessContext): PriceStep;
}

/** Processes a compiled model uses beyond the scenario (loaded by the runner). */
export interface ModelProcesses {
  price?: PriceProcess;
}

/** A custom price step bound to its buffers: what MarketPath calls for model custom. */
export class CustomPriceRunner {
  readonly shock: Float64Array;
  readonly uniform: Float64Array;
  private readonly draws: { months: number; shock: Float64Array; uniform: Float64Array; random: TrialRandom };

  constructor(
    readonly step: PriceStep,
    readonly months: number,
  ) {
    this.shock = new Float64Array(months);
    this.uniform = new Float64Array(months);
    this.draws = { months, shock: this.shock, uniform: this.uniform, random: null as unknown as TrialRandom };
  }

  /**
   * Gathers the month's price shock and model uniform out of the market's interleaved draws and runs
   * the step. `priceShockScale` is the Cholesky factor's [0][0], as for the built-in models.
   */
  run(normals: Float64Array, normalsPerMonth: number, shockSlot: number, uniforms: Float64Array, uniformsPerMonth: number, uniformSlot: number, priceShockScale: number, random: TrialRandom, logPriceOut: Float64Array): void {
    for (let m = 0; m < this.months; m++) {
      this.shock[m] = priceShockScale * normals[m * normalsPerMonth + shockSlot];
      this.uniform[m] = uniforms[m * uniformsPerMonth + uniformSlot];
    }
    this.draws.random = random;
    this.step.simulate(this.draws, logPriceOut);
  }
}
