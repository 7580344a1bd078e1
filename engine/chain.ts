// The chain's state through a trial: height, difficulty, subsidy and the time since the last
// retarget. Blocks accrue as a fluid at the rate the network hashrate and difficulty give; retargets
// (every 2016 blocks) and halvings (every 210,000) fire at their heights inside each month, and
// revenue is integrated piecewise between them (MODEL.md §2). The two events are written out, not
// kept in a general event calendar: its loops over the events cost a fifth of the market path.
import {
  blockSubsidySats,
  HALVING_INTERVAL_BLOCKS,
  HASHES_PER_DIFFICULTY,
  RETARGET_INTERVAL_BLOCKS,
  retargetDifficulty,
  SATS_PER_BTC,
} from './bitcoin.js';

export const SECONDS_PER_MONTH = (365.25 * 86400) / 12;
/**
 * The same, for the hot loop: V8 reads an exported constant as a value of unknown type, and a loop
 * variable started from one was boxed (a heap allocation) at every step, four kilobytes a trial.
 * A module's own constants it folds.
 */
const MONTH_SECONDS = SECONDS_PER_MONTH;
/**
 * More retargets and halvings than any month can hold: a retarget moves difficulty at most 4x, so
 * even a hashrate 2^100 times the difficulty's catches up within 50 retargets. A month that needs
 * more has no meaningful chain (a hashrate of 0, infinity or NaN, heights beyond 2^53 where a block
 * no longer changes the height): it accrues NaN, which the trial's finite check reports, instead
 * of looping for ever.
 */
export const MAX_EVENTS_PER_MONTH = 1000;
/** The same, module-local for the hot loop (see MONTH_SECONDS). */
const MAX_EVENTS = MAX_EVENTS_PER_MONTH;
/**
 * NaN for the hot loop: the global NaN is a property V8 reads as a boxed number, and a loop
 * variable that may be assigned it was kept boxed, a heap number allocated every month.
 */
const NO_REWARD = NaN;

export class Chain {
  /** Blocks mined so far: the height of the next block (fractional between blocks). */
  height = 0;
  difficulty = 1;
  subsidyBtc = 0;
  secondsSinceRetarget = 0;
  /** Fractional month of the first halving since reset, NaN until one fires. */
  firstHalvingMonth = NaN;
  /** Heights of the next halving and the next retarget (the chain's two recurring events): multiples of 210,000 and 2016. */
  nextHalvingHeight = 0;
  nextRetargetHeight = 0;
  private startHeight = NaN;
  private startSubsidyBtc = 0;

  reset(height: number, difficulty: number, secondsSinceRetarget: number): void {
    this.height = height;
    this.difficulty = difficulty;
    this.secondsSinceRetarget = secondsSinceRetarget;
    // Every trial starts from the same height: its subsidy is worked out once. blockSubsidySats
    // runs too rarely for V8 to optimise it, and unoptimised it cost ~2% of a trial.
    if (height !== this.startHeight) {
      this.startHeight = height;
      this.startSubsidyBtc = blockSubsidySats(height) / SATS_PER_BTC;
    }
    this.subsidyBtc = this.startSubsidyBtc;
    this.firstHalvingMonth = NaN;
    // An event at `height` itself has already fired.
    this.nextHalvingHeight = (Math.floor(height / HALVING_INTERVAL_BLOCKS) + 1) * HALVING_INTERVAL_BLOCKS;
    this.nextRetargetHeight = (Math.floor(height / RETARGET_INTERVAL_BLOCKS) + 1) * RETARGET_INTERVAL_BLOCKS;
  }

  /**
   * Advances the chain through month m at a network hashrate (H/s) and fee level, firing the
   * events on the way, and returns the sum over the month of blocks x reward (BTC). A share
   * 1e18 / H of it goes to 1 EH/s: one division a month, not three per segment.
   */
  accrueMonth(m: number, hashrateHs: number, feesBtcPerBlock: number): number {
    const secondsPerBlockPerDifficulty = HASHES_PER_DIFFICULTY / hashrateHs;
    let { height, difficulty, subsidyBtc, secondsSinceRetarget, nextHalvingHeight, nextRetargetHeight } = this;
    let secondsPerBlock = difficulty * secondsPerBlockPerDifficulty;
    let remainingSeconds = MONTH_SECONDS;
    let blocksTimesReward = 0;
    for (let events = 0; ; events++) {
      if (events === MAX_EVENTS) {
        blocksTimesReward = NO_REWARD;
        break;
      }
      const eventHeight = nextHalvingHeight < nextRetargetHeight ? nextHalvingHeight : nextRetargetHeight;
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
      // Both fire when they coincide (every 1,260,000 blocks), both from the same block.
      if (nextHalvingHeight === eventHeight) {
        nextHalvingHeight += HALVING_INTERVAL_BLOCKS;
        subsidyBtc = blockSubsidySats(height) / SATS_PER_BTC;
        if (this.firstHalvingMonth !== this.firstHalvingMonth) this.firstHalvingMonth = m + 1 - remainingSeconds / SECONDS_PER_MONTH;
      }
      if (nextRetargetHeight === eventHeight) {
        nextRetargetHeight += RETARGET_INTERVAL_BLOCKS;
        difficulty = retargetDifficulty(difficulty, secondsSinceRetarget);
        secondsPerBlock = difficulty * secondsPerBlockPerDifficulty;
        secondsSinceRetarget = 0;
      }
    }
    this.height = height;
    this.difficulty = difficulty;
    this.subsidyBtc = subsidyBtc;
    this.secondsSinceRetarget = secondsSinceRetarget;
    this.nextHalvingHeight = nextHalvingHeight;
    this.nextRetargetHeight = nextRetargetHeight;
    return blocksTimesReward;
  }
}
