// Every scenario by name: the hand-written ones, then `random`. The harness and the CLI look
// scenarios up here, so a name printed with a failing seed can be replayed.

import { checkpointEveryBatch } from './catalog/checkpoint-every-batch.js';
import { join } from './catalog/join.js';
import { partitions } from './catalog/partitions.js';
import { random } from './catalog/random.js';
import { runningTotals } from './catalog/running-totals.js';
import { seededState } from './catalog/seeded-state.js';
import { sessions } from './catalog/sessions.js';
import { statefulWordCount } from './catalog/stateful-word-count.js';
import { union } from './catalog/union.js';
import { windowedSums } from './catalog/windowed-sums.js';
import { windowedWordCount } from './catalog/windowed-word-count.js';
import { wordCount } from './catalog/word-count.js';
import { wordFrequencies } from './catalog/word-frequencies.js';
import type { Scenario } from './scenario.js';

/** Named scenarios (fixed programs) followed by `random`. */
export const CATALOG: readonly Scenario[] = [
  wordCount,
  statefulWordCount,
  windowedSums,
  sessions,
  join,
  windowedWordCount,
  wordFrequencies,
  runningTotals,
  union,
  checkpointEveryBatch,
  seededState,
  partitions,
  random,
];

export function scenarioNames(): string[] {
  return CATALOG.map((s) => s.name);
}

/** The scenario with this name; throws naming the known ones otherwise. */
export function scenarioNamed(name: string): Scenario {
  const found = CATALOG.find((s) => s.name === name);
  if (found === undefined) throw new Error(`unknown scenario "${name}" (expected one of: ${scenarioNames().join(', ')})`);
  return found;
}
