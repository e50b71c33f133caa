// The faulty run's outputs equal the pure model's, batch by batch. This catches what the failure-free
// comparison cannot: a bug the failure-free run shares (a wrong operator, a wrong window boundary).

import type { Checker } from './checker.js';
import { compareOutputs } from './compare-outputs.js';

export const outputsEqualModel: Checker = {
  name: 'outputs-equal-model',
  check: (ctx) => compareOutputs('outputs-equal-model', 'the model', ctx.expected(), ctx.faulty.observed.outputs),
};
