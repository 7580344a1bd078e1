// The chain's state through a trial: height, difficulty, subsidy and the time since the last
// retarget. Blocks accrue as a fluid at the rate the network hashrate and difficulty give; the
// calendar's retarget and halving events fire at their heights inside each month, and revenue is
// integrated piecewise between them (MODEL.md §2).
import {
  blockSubsidySats,
  HALVING_INTERVAL_BLOCKS,
  HASHES_PER_DIFFICULTY,
  RETARGET_INTERVAL_BLOCKS,
  retargetDifficulty,
  SATS_PER_BTC,
} from './bitcoin.js';
import { HeightCalendar } from './calendar.js';

export const SECONDS_PER_MONTH = (365.25 * 86400) / 12;

const HALVING_EVENT_BIT = 1 << 0;
const RETARGET_EVENT_BIT = 1 << 1;

export class Chain {
  /** Blocks mined so far: the height of the next block (fractional between blocks). */
  height = 0;
  difficulty = 1;
  subsidyBtc = 0;
  secondsSinceRetarget = 0;
  /** Fractional month of the first halving since reset, NaN until one fires. */
  firstHalvingMonth = NaN;
  private readonly calendar = new HeightCalendar([
    { everyBlocks: HALVING_INTERVAL_BLOCKS }, // HALVING_EVENT_BIT
    { everyBlocks: RETARGET_INTERVAL_BLOCKS }, // RETARGET_EVENT_BIT
  ]);

  reset(height: number, difficulty: number, secondsSinceRetarget: number): void {
    this.height = height;
    this.difficulty = difficulty;
    this.secondsSinceRetarget = secondsSinceRetarget;
    this.subsidyBtc = blockSubsidySats(height) / SATS_PER_BTC;
    this.firstHalvingMonth = NaN;
    this.calendar.reset(height);
  }

  /**
   * Advances the chain through month m at a network hashrate (H/s) and fee level, firing the
   * events on the way, and returns the sum over the month of blocks x reward (BTC). A share
   * 1e18 / H of it goes to 1 EH/s: one division a month, not three per segment.
   */
  accrueMonth(m: number, hashrateHs: number, feesBtcPerBlock: number): number {
    const calendar = this.calendar;
    const secondsPerBlockPerDifficulty = HASHES_PER_DIFFICULTY / hashrateHs;
    let { height, difficulty, subsidyBtc, secondsSinceRetarget } = this;
    let secondsPerBlock = difficulty * secondsPerBlockPerDifficulty;
    let remainingSeconds = SECONDS_PER_MONTH;
    let blocksTimesReward = 0;
    for (;;) {
      const eventHeight = calendar.nextEventHeight;
      const blocksToEvent = eventHeight - height;
      const secondsToEvent = blocksToEvent * secondsPerBlock;
      if (secondsToEvent > remainingSeconds) {
        const blocks = remainingSeconds / secondsPerBlock;
        blocksTimesReward += blocks * (subsidyBtc + feesBtcPerBlock);
        height += blocks;
        secondsSinceRetarget += remainingSeconds;
        break;
      }
      blocksTimesReward += blocksToEvent * (subsidyBtc + feesBtcPerBlock);
      remainingSeconds -= secondsToEvent;
      secondsSinceRetarget += secondsToEvent;
      height = eventHeight;
      const fired = calendar.advance();
      if (fired & HALVING_EVENT_BIT) {
        subsidyBtc = blockSubsidySats(height) / SATS_PER_BTC;
        if (this.firstHalvingMonth !== this.firstHalvingMonth) this.firstHalvingMonth = m + 1 - remainingSeconds / SECONDS_PER_MONTH;
      }
      if (fired & RETARGET_EVENT_BIT) {
        difficulty = retargetDifficulty(difficulty, secondsSinceRetarget);
        secondsPerBlock = difficulty * secondsPerBlockPerDifficulty;
        secondsSinceRetarget = 0;
      }
    }
    this.height = height;
    this.difficulty = difficulty;
    this.subsidyBtc = subsidyBtc;
    this.secondsSinceRetarget = secondsSinceRetarget;
    return blocksTimesReward;
  }
}
