// Both runs must end with exit 0 within their bounds (PROTOCOL.md §3); a SUT that gives up or hangs
// fails the case, with the last exit in the message.

import { describeExit } from '../process/process-exit.js';
import type { Checker } from './checker.js';

export const runCompletion: Checker = {
  name: 'run-completion',
  check(ctx) {
    for (const [which, run] of [['failure-free', ctx.failureFree], ['faulty', ctx.faulty]] as const) {
      if (run.outcome.type === 'gave-up' && run.outcome.overLimit !== undefined) {
        return { kind: 'output-too-large', checker: 'run-completion', output: null, batchTimeMs: null, key: null, message: `the ${which} run was stopped: ${run.outcome.reason}` };
      }
      if (run.outcome.type === 'gave-up') {
        const last = run.outcome.exits.at(-1);
        return {
          kind: 'did-not-finish',
          checker: 'run-completion',
          output: null,
          batchTimeMs: null,
          key: null,
          message: `the ${which} run gave up after ${run.outcome.attempts} start(s): ${run.outcome.reason}${last ? `; last exit: ${describeExit(last)}` : ''}`,
        };
      }
    }
    return null;
  },
};
