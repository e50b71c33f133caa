// The faulty run's outputs equal the failure-free run's, batch by batch: a crash must not change
// what the SUT computes.

import type { Checker } from './checker.js';
import { compareOutputs } from './compare-outputs.js';
import { sortedOutputs } from './observed-run.js';

export const outputsEqualFailureFree: Checker = {
  name: 'outputs-equal-failure-free',
  check: (ctx) => compareOutputs('outputs-equal-failure-free', 'the failure-free run', sortedOutputs(ctx.failureFree.observed), ctx.faulty.observed.outputs),
};
