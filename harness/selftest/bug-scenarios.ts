// For each bug of the reference engine's catalogue, the scenarios whose programs reach it: a bug in
// window recovery only shows in a program with an inverse window, a timeout bug only with
// mapWithState. The self-test draws its cases from these alone, so its time budget is spent where
// the bug can show. The list lives with the self-test, not in reference/: the engine knows nothing
// about scenarios.

import type { BugName } from '../../reference/engine/bugs.js';
import type { Level } from '../case/conformance-level.js';

/** Scenarios that exercise a bug, the most direct first (case i of a suite uses scenario i mod n). */
export const BUG_SCENARIOS: Readonly<Record<BugName, readonly string[]>> = {
  // Lost or mis-read batches show in any output; a stateless program shows them soonest.
  'forget-pending-batches': ['word-count', 'stateful-word-count', 'windowed-sums'],
  'skip-checkpoint-batch': ['word-count', 'stateful-word-count', 'windowed-sums'],
  'offsets-committed-before-output': ['word-count', 'stateful-word-count', 'windowed-sums'],
  'append-output-on-rerun': ['word-count', 'stateful-word-count', 'windowed-sums'],
  // A torn checkpoint file makes recovery fail (or start wrong) whatever the program.
  'in-place-checkpoint-writes': ['stateful-word-count', 'word-count', 'sessions'],
  // Storage faults: a corrupt newest metadata file and the fallback to an older one.
  'no-checkpoint-fallback': ['stateful-word-count', 'word-count', 'sessions'],
  // The fallback finds its data deleted only when the newest metadata file is the first to name a
  // new data checkpoint and older metadata files fill the retention: dense data checkpoints only.
  'spark-data-cleanup': ['checkpoint-every-batch'],
  // State restored wrong: the stateful programs.
  'stale-state-restore': ['stateful-word-count', 'sessions', 'running-totals'],
  // Shows only for a crash between the completion checkpoint and the data write after it.
  'trust-incomplete-checkpoint': ['checkpoint-every-batch', 'running-totals'],
  'state-checkpoint-before-update': ['stateful-word-count', 'sessions', 'running-totals'],
  'state-in-scratch': ['stateful-word-count', 'sessions', 'running-totals'],
  // Inverse windows: keys that stay at the zero (only without a filter function, and only once a
  // key has left the window before a data checkpoint), and the window's edge after recovery.
  'drop-zero-window-keys': ['checkpoint-every-batch', 'windowed-sums'],
  'window-edge-off-by-one': ['windowed-sums', 'word-frequencies', 'union'],
  // Timeouts of mapWithState.
  'restored-timeouts-reset': ['running-totals'],
  // Durability bugs show only under power loss (level L5): any program that commits outputs.
  'rename-without-fsync': ['word-count', 'stateful-word-count', 'running-totals'],
  'no-directory-fsync': ['word-count', 'stateful-word-count', 'running-totals'],
};

/** The level a variant is tested at: the durability bugs need storage crash states (L5, strace);
 *  the others are tested at L4 as before, where every draw is a fault they can show under. */
export function bugLevel(bug: BugName): Level {
  return bug === 'rename-without-fsync' || bug === 'no-directory-fsync' ? 'L5' : 'L4';
}
