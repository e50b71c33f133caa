// Shrinks a failing case with fast-check, and prints only what it saw fail. The property "this case
// does not fail" is checked again from the case's seed; fast-check shrinks input, configuration and
// fault plan together while it keeps failing, within shrinkBudgetMs. Every candidate is run for real
// (stored as a shrink row of the original case) and its fast-check path is followed here the way
// fast-check builds it, so each failing candidate is known with the path that replays it; the
// smallest so far is written to SQLite (shrink_progress) as it is found, so --resume continues an
// interrupted shrink from there. At the end the smallest failing candidates are re-drawn from their
// paths (the path must give back the very case that failed) and re-run, smallest first, up to
// verifyAttemptsMax: the first seen failing again is the counterexample. If shrinking stopped at its
// budget, the counterexample may not be minimal, and the result says so.

import fc from 'fast-check';
import { canonical, type Value } from '../../reference/program/value.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { caseArbitrary, type DrawnCase } from '../case/case-arbitrary.js';
import { drawnAtPath } from '../case/drawn-at-path.js';
import type { SutCapabilities } from '../case/fault-plan-draw.js';
import { runCase, type CaseResult, type RunCaseOptions } from './run-case.js';

/** Failing candidates re-run, smallest first, to find one that fails again before giving up. */
export const verifyAttemptsMax = 3;

export interface ShrinkResult {
  /**
   * True: `path`, `drawn` and `result` are a case re-run and seen failing (or the original case,
   * seen failing by its own run). False: no candidate failed again, and there is no counterexample
   * to print (only on a resumed shrink, whose original case was not re-run).
   */
  verified: boolean;
  path: string;
  drawn: DrawnCase;
  result: CaseResult;
  /** Candidates run while shrinking (with those of an earlier, interrupted shrink of the case). */
  candidates: number;
  /** 'minimal': shrinking ended at a local minimum; 'budget-ended': at its budget, so the counterexample may not be minimal. */
  ending: 'minimal' | 'budget-ended';
  /** Paths of smaller candidates that had failed once but passed when re-run (flaky steps). */
  unverified: string[];
}

/** fast-check's RunExecution.mergePaths: a path found after replaying `base` is relative to it. */
function mergePaths(base: string, local: string): string {
  if (base === '') return local;
  const b = base.split(':');
  const l = local.split(':');
  return [...b.slice(0, -1), String(Number(b[b.length - 1]) + Number(l[0])), ...l.slice(1)].join(':');
}

export async function shrinkCase(
  scenario: Scenario,
  caps: SutCapabilities,
  seed: number,
  /** The case as drawn (path 0), with the run that failed; result null when resuming (it is not re-run unless needed). */
  original: { drawn: DrawnCase; result: CaseResult | null },
  o: RunCaseOptions & { shrinkBudgetMs: number; resumeFrom?: { path: string; candidates: number } },
): Promise<ShrinkResult> {
  const known = new Map<string, CaseResult>();
  if (original.result !== null) known.set(canonical(original.drawn as unknown as Value), original.result);
  const base = o.resumeFrom?.path ?? '';
  let candidates = o.resumeFrom?.candidates ?? 0;
  // The failing candidates in the order fast-check saw them fail: each smaller than the one before.
  const failing: { path: string; drawn: DrawnCase }[] = [];
  if (original.result !== null && base === '') failing.push({ path: '0', drawn: original.drawn });
  const progress = (path: string, state: 'shrinking' | 'minimal' | 'budget-ended', verifiedPath: string | null) => {
    if (o.store !== undefined && o.shrinkOf !== undefined) o.store.setShrinkProgress(o.shrinkOf, { path, candidates, state, verifiedPath });
  };
  progress(base === '' ? '0' : base, 'shrinking', null);
  // fast-check's path, followed: the index of the value tried at the current level, and the indexes
  // of the failing values that led here (RunnerIterator.handleResult).
  const levels: number[] = [];
  let index = -1;
  let stopped = false;
  // fast-check's time limit races the running candidate rather than waiting for it, so the
  // candidate cut off at the budget is awaited here: it still writes to the store and its directory.
  let running: Promise<CaseResult> | undefined;
  const property = fc.asyncProperty(caseArbitrary(scenario, caps), async (drawn) => {
    index += 1;
    const path = mergePaths(base, [...levels, index].join(':'));
    const id = canonical(drawn as unknown as Value);
    let result = known.get(id);
    if (result === undefined) {
      candidates += 1;
      running = runCase({ seed, path, drawn }, { ...o, keepWorkDir: 'never' });
      result = await running;
      known.set(id, result);
    }
    const fails = result.verdict.verdict === 'fail';
    if (fails) {
      // A candidate cut off by the budget that fails is still a failing case at a known path.
      if (failing.at(-1)?.path !== path) failing.push({ path, drawn });
      progress(path, 'shrinking', null);
      if (!stopped) {
        levels.push(index);
        index = -1;
      }
    }
    return !fails;
  });
  const details = await fc.check(property, { seed, numRuns: 1, interruptAfterTimeLimit: o.shrinkBudgetMs, markInterruptAsFailure: false, ...(base === '' ? {} : { path: base }) });
  stopped = true;
  await running?.catch(() => undefined);
  const ending = details.interrupted ? 'budget-ended' : 'minimal';

  // Smallest first: re-draw each from its path (what replay will run), re-run it kept, and take the
  // first that fails again. A path that draws another case is never printed.
  const unverified: string[] = [];
  const tries = failing.slice(-verifyAttemptsMax).reverse();
  if (original.result === null && !tries.some((t) => t.path === '0')) tries.push({ path: '0', drawn: original.drawn });
  let last: { path: string; drawn: DrawnCase; result: CaseResult } | undefined;
  for (const t of tries) {
    const drawn = drawnAtPath(scenario, caps, seed, t.path);
    if (drawn === undefined || canonical(drawn as unknown as Value) !== canonical(t.drawn as unknown as Value)) {
      unverified.push(t.path);
      continue;
    }
    if (t.path === '0' && original.result !== null) {
      // The original case: seen failing by its own run (and the suite's re-runs); not run again.
      progress('0', ending, '0');
      return { verified: true, path: '0', drawn, result: original.result, candidates, ending, unverified };
    }
    const result = await runCase({ seed, path: t.path, drawn }, { ...o, keepWorkDir: 'unless-pass' });
    last = { path: t.path, drawn, result };
    if (result.verdict.verdict === 'fail') {
      progress(t.path, ending, t.path);
      return { verified: true, ...last, candidates, ending, unverified };
    }
    unverified.push(t.path);
  }
  if (original.result !== null) {
    progress('0', ending, '0');
    return { verified: true, path: '0', drawn: original.drawn, result: original.result, candidates, ending, unverified };
  }
  progress(failing.at(-1)?.path ?? base, ending, null);
  if (last === undefined) {
    const result = await runCase({ seed, path: '0', drawn: original.drawn }, { ...o, keepWorkDir: 'never' });
    last = { path: '0', drawn: original.drawn, result };
  }
  return { verified: false, ...last, candidates, ending, unverified };
}
