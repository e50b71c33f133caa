// Shrinks a failing case with fast-check: the property "this case does not fail" is checked again
// from the case's seed, fast-check finds the same first case, and shrinks input, configuration and
// fault plan together while it keeps failing, within shrinkBudgetMs. Every candidate is run for
// real and stored as a shrink row of the original case. The result is the smallest failing case
// found and the fast-check path that replays it.

import fc from 'fast-check';
import { canonical, type Value } from '../../reference/program/value.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { caseArbitrary, type DrawnCase } from '../case/case-arbitrary.js';
import type { SutCapabilities } from '../case/fault-plan-draw.js';
import { runCase, type CaseResult, type RunCaseOptions } from './run-case.js';

export interface ShrinkResult {
  path: string;
  drawn: DrawnCase;
  result: CaseResult;
  /** Candidates run while shrinking. */
  candidates: number;
  /** Whether shrinking stopped at its time budget rather than at a local minimum. */
  interrupted: boolean;
}

export async function shrinkCase(
  scenario: Scenario,
  caps: SutCapabilities,
  seed: number,
  original: { drawn: DrawnCase; result: CaseResult },
  o: RunCaseOptions & { shrinkBudgetMs: number },
): Promise<ShrinkResult> {
  const known = new Map<string, CaseResult>([[canonical(original.drawn as unknown as Value), original.result]]);
  let candidates = 0;
  let lastFailing: { drawn: DrawnCase; result: CaseResult } = original;
  // fast-check's time limit races the running candidate rather than waiting for it, so the
  // candidate cut off at the budget is awaited here: it still writes to the store and its directory.
  let running: Promise<CaseResult> | undefined;
  const property = fc.asyncProperty(caseArbitrary(scenario, caps), async (drawn) => {
    const id = canonical(drawn as unknown as Value);
    let result = known.get(id);
    if (result === undefined) {
      candidates += 1;
      running = runCase({ seed, path: '(shrinking)', drawn }, { ...o, keepWorkDir: 'never' });
      result = await running;
      known.set(id, result);
    }
    if (result.verdict.verdict === 'fail') lastFailing = { drawn, result };
    return result.verdict.verdict !== 'fail';
  });
  const details = await fc.check(property, { seed, numRuns: 1, interruptAfterTimeLimit: o.shrinkBudgetMs, markInterruptAsFailure: false });
  await running?.catch(() => undefined);
  const path = details.counterexamplePath ?? '0';
  const drawn = (details.counterexample?.[0] as DrawnCase | undefined) ?? lastFailing.drawn;
  // Run the smallest case once more, kept on disk and stored, so its replay line and directory match.
  const result = await runCase({ seed, path, drawn }, { ...o, keepWorkDir: 'unless-pass' });
  return { path, drawn, result, candidates, interrupted: details.interrupted };
}
