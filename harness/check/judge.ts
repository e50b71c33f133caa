// The case's verdict: every checker, in a fixed order, composed (fail > unknown > pass).

import type { Checker, CheckContext } from './checker.js';
import { runCheckers } from './checker.js';
import { batchCompletion } from './batch-completion.js';
import { finalStateEqual } from './final-state-equal.js';
import { outputsEqualFailureFree } from './outputs-equal-failure-free.js';
import { outputsEqualModel } from './outputs-equal-model.js';
import { runCompletion } from './run-completion.js';
import { stateEveryBatch } from './state-every-batch.js';
import { composeVerdict, type Verdict } from './verdict.js';

export const CHECKERS: readonly Checker[] = [runCompletion, batchCompletion, stateEveryBatch, outputsEqualFailureFree, outputsEqualModel, finalStateEqual];

export function judge(ctx: CheckContext, checkers: readonly Checker[] = CHECKERS): Verdict {
  // When a run did not finish, its directories say nothing reliable; only run-completion speaks.
  const done = ctx.failureFree.outcome.type === 'completed' && ctx.faulty.outcome.type === 'completed';
  return composeVerdict(runCheckers(done ? checkers : [runCompletion], ctx));
}
