// The event calendar of a trial's chain. Events recur at fixed block heights (every 2016 blocks,
// every 210,000 blocks...); the chain's model registers them and asks, as height advances
// continuously through a month, where the next one is and which fire there. The calendar knows
// nothing of Bitcoin. It allocates nothing after construction.

export interface RecurringEvent {
  /** Fires when the count of blocks mined reaches a multiple of this. */
  everyBlocks: number;
}

export class HeightCalendar {
  private readonly periods: Float64Array;

  /**
   * Events fire at the same height in the order given here (a documented tie order). Bitcoin's
   * retarget and halving coincide every 1,260,000 blocks; their order there changes nothing,
   * since both take effect from the same block.
   */
  constructor(events: readonly RecurringEvent[]) {
    this.periods = Float64Array.from(events, (e) => e.everyBlocks);
  }

  /** The smallest height strictly above `height` at which some event fires. */
  nextEventHeight(height: number): number {
    let next = Infinity;
    for (let i = 0; i < this.periods.length; i++) {
      const p = this.periods[i];
      const h = (Math.floor(height / p) + 1) * p;
      if (h < next) next = h;
    }
    return next;
  }

  /** Whether event `index` (in registration order) fires at this whole height. */
  firesAt(index: number, height: number): boolean {
    return height % this.periods[index] === 0;
  }
}
