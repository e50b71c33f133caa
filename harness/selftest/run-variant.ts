// Runs the harness against one bug variant of the reference engine: an ordinary suite over the
// scenarios that exercise the bug, with every fault kind the variant's manifest allows, started
// cases bounded by a time budget and stopped at the first failing case, which is then shrunk within
// its own budget. The bug counts as caught only if a case failed within the budget.

import type { BugName } from '../../reference/engine/bugs.js';
import type { RunBounds } from '../run/run-bounds.js';
import type { CaseResult } from '../run/run-case.js';
import { failureLine, runSuite, type SuiteEvent } from '../run/run-suite.js';
import type { ShrinkResult } from '../run/shrink-case.js';
import { bugLevel, BUG_SCENARIOS } from './bug-scenarios.js';
import { variantManifest } from './variant-manifest.js';

/** A suite that stops at the time budget never gets near this many cases; it only bounds the loop. */
export const VARIANT_CASES_MAX = 10_000;

export interface VariantOptions {
  bug: BugName;
  seed: number;
  budgetMs: number;
  /** 0: do not shrink. */
  shrinkBudgetMs: number;
  dbFile: string;
  workers: number;
  bounds: RunBounds;
  /** Where the variant's manifest is written. */
  manifestDir: string;
}

export interface VariantResult {
  bug: BugName;
  manifestFile: string;
  suiteId: number;
  seed: number;
  scenarios: readonly string[];
  caught: boolean;
  /** From the start of the suite to the end of its first failing case, even one past the budget. */
  msToFirstFailure: number | null;
  casesRun: number;
  failure: { caseId: number | null; scenario: string; seed: number; anomaly: string; message: string; line: string; replayLine: string } | null;
  /** The shrunk counterexample; null when nothing failed or shrinking was off. */
  shrunk: { path: string; line: string; replayLine: string; inputRecords: number; faults: number; candidates: number; interrupted: boolean } | null;
}

/** Records of every input stream of a case. */
export function inputRecords(result: { drawn: { scenarioCase: { input: { streams: Record<string, readonly unknown[]> } } } }): number {
  return Object.values(result.drawn.scenarioCase.input.streams).reduce((n, s) => n + s.length, 0);
}

/** Faults the faulty run really injected (a planned crash point past the run's end is not one). */
export function faultsInjected(result: CaseResult): number {
  return result.timeline.filter((e) => e.type === 'fault' && e.run === 'faulty' && e.injected).length;
}

export async function runVariant(o: VariantOptions, onEvent: (e: SuiteEvent) => void = () => {}): Promise<VariantResult> {
  const { file, sut } = variantManifest(o.bug, o.manifestDir);
  const scenarios = BUG_SCENARIOS[o.bug];
  const t0 = performance.now();
  let first: { index: number; scenario: string; seed: number; result: CaseResult; atMs: number } | null = null;
  const shrinks = new Map<number, ShrinkResult>();
  const result = await runSuite(
    {
      sut,
      manifestFile: file,
      scenarios: [...scenarios],
      cases: VARIANT_CASES_MAX,
      seed: o.seed,
      workers: o.workers,
      dbFile: o.dbFile,
      serve: true,
      timeBudgetMs: o.budgetMs,
      bounds: o.bounds,
      shrink: o.shrinkBudgetMs > 0,
      shrinkBudgetMs: o.shrinkBudgetMs,
      stopAtFirstFailure: true,
      level: bugLevel(o.bug),
    },
    (e) => {
      if (e.type === 'case-finished' && e.result.verdict.verdict === 'fail' && first === null) first = { index: e.index, scenario: e.scenario, seed: e.seed, result: e.result, atMs: Math.round(performance.now() - t0) };
      if (e.type === 'shrunk') shrinks.set(e.index, e.shrink);
      onEvent(e);
    },
  );
  const firstFailure = first as { index: number; scenario: string; seed: number; result: CaseResult; atMs: number } | null;
  const shrink = firstFailure === null ? undefined : shrinks.get(firstFailure.index);
  // runSuite replaces a failure by its shrunk case only when the shrunk case still fails.
  const shrunk = firstFailure === null || shrink?.verified !== true || shrink.result.verdict.verdict !== 'fail' ? undefined : result.failures.find((x) => x.index === firstFailure.index);
  const anomaly = firstFailure?.result.verdict.anomaly ?? null;
  return {
    bug: o.bug,
    manifestFile: file,
    suiteId: result.suiteId,
    seed: o.seed,
    scenarios,
    caught: firstFailure !== null && firstFailure.atMs <= o.budgetMs,
    msToFirstFailure: firstFailure?.atMs ?? null,
    casesRun: result.casesRun,
    failure:
      firstFailure === null
        ? null
        : {
            caseId: firstFailure.result.caseId,
            scenario: firstFailure.scenario,
            seed: firstFailure.seed,
            anomaly: anomaly?.kind ?? 'fail',
            message: anomaly?.message ?? '',
            line: failureLine(firstFailure.scenario, firstFailure.seed, '0', firstFailure.result),
            replayLine: firstFailure.result.replayLine,
          },
    shrunk:
      shrunk === undefined || shrink === undefined
        ? null
        : { path: shrunk.path, line: shrunk.line, replayLine: shrunk.replayLine, inputRecords: inputRecords(shrunk), faults: faultsInjected(shrunk.result), candidates: shrink.candidates, interrupted: shrink.ending === 'budget-ended' },
  };
}
