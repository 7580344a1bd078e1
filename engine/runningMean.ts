// Mean and standard error of a stream of samples, without storing them (Welford's update, stable
// when the samples are large and their spread small).
export class RunningMean {
  count = 0;
  mean = 0;
  private m2 = 0;

  add(x: number): void {
    this.count++;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (x - this.mean);
  }

  get standardError(): number {
    return this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1) / this.count) : 0;
  }
}
