// The ScenarioError an action throws; fails the test when the scenario is accepted or another error is thrown.
import { ScenarioError } from '../scenarios/load.js';

export function scenarioErrorOf(action: () => unknown): ScenarioError {
  try {
    action();
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError, but the scenario was accepted');
}
