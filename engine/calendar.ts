// The event calendar of a trial's chain. Events recur at fixed block heights (every 2016 blocks,
// every 210,000 blocks...); the chain's model registers them, and as height advances continuously
// through a month it asks where the next one is and which fire there. The calendar knows nothing
// of Bitcoin and allocates nothing after construction.

export interface RecurringEvent {
  /** Fires when the count of blocks mined reaches a multiple of this. */
  everyBlocks: number;
}

export class HeightCalendar {
  private readonly periods: Float64Array;
  private readonly nextHeights: Float64Array;
  /** The smallest height above the current one at which some event fires. */
  nextEventHeight = Infinity;

  /**
   * Events that fire at the same height are reported in the order given here (a documented tie
   * order). Bitcoin's retarget and halving coincide every 1,260,000 blocks; their order there
   * changes nothing, since both take effect from the same block.
   */
  constructor(events: readonly RecurringEvent[]) {
    if (events.length > 30) throw new Error('a height calendar holds at most 30 recurring events');
    this.periods = Float64Array.from(events, (e) => e.everyBlocks);
    this.nextHeights = new Float64Array(events.length);
  }

  /** Positions the calendar at `height`: events at `height` itself are taken as already fired. */
  reset(height: number): void {
    for (let i = 0; i < this.periods.length; i++) {
      this.nextHeights[i] = (Math.floor(height / this.periods[i]) + 1) * this.periods[i];
    }
    this.updateNext();
  }

  /**
   * Moves to `nextEventHeight` and returns a bit mask of the events that fire there
   * (bit i = event i in registration order).
   */
  advance(): number {
    const height = this.nextEventHeight;
    let fired = 0;
    for (let i = 0; i < this.periods.length; i++) {
      if (this.nextHeights[i] === height) {
        fired |= 1 << i;
        this.nextHeights[i] += this.periods[i];
      }
    }
    this.updateNext();
    return fired;
  }

  private updateNext(): void {
    let next = Infinity;
    for (let i = 0; i < this.nextHeights.length; i++) if (this.nextHeights[i] < next) next = this.nextHeights[i];
    this.nextEventHeight = next;
  }
}
