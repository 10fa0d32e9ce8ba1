// Queueing arithmetic for closed-loop load (connections that send again as soon as they are
// answered). Pure, so the bench's conclusions about what a machine allows can be tested.
import { median } from './harness.ts';

export interface RoundFigures { p99Ms: number; rate: number }

/**
 * Little's law: `connections` that never pause, answered at `rate` a second, each wait
 * connections / rate on average, however the server spends its time.
 */
export function meanWaitMs(connections: number, rate: number): number {
  return (1000 * connections) / rate;
}

/**
 * The rate at which a p99 of `targetMs` becomes possible at all, from each round's tail shape
 * (its p99 over its mean wait), assuming the shape holds at that rate: a p99 of `tail` times the
 * mean needs a mean of targetMs / tail, so connections * tail / targetMs answers a ms. Median of
 * the rounds.
 */
export function rateForP99(rounds: readonly RoundFigures[], connections: number, targetMs: number): { rate: number; tail: number } {
  const tail = median(rounds.map((r) => r.p99Ms / meanWaitMs(connections, r.rate)));
  return { rate: (1000 * connections * tail) / targetMs, tail };
}
