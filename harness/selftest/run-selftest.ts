// streamcheck's self-test: the harness run against every bug variant of the reference engine in
// turn (run-variant.ts), one stored row per variant in selftest_results beside the suites and
// cases the variants' runs wrote. Variants run one after another so each has the whole machine
// and its seconds-to-failure mean the same thing on every line.

import * as path from 'node:path';
import type { BugName } from '../../reference/engine/bugs.js';
import type { RunBounds } from '../run/run-bounds.js';
import type { SuiteEvent } from '../run/run-suite.js';
import { Store } from '../store/store.js';
import { runVariant, type VariantResult } from './run-variant.js';

export interface SelftestOptions {
  bugs: readonly BugName[];
  seed: number;
  /** Per variant: start no new case after this long. */
  budgetMs: number;
  /** Per variant: time to shrink its first failing case; 0 to not shrink. */
  shrinkBudgetMs: number;
  dbFile: string;
  workers: number;
  bounds: RunBounds;
  /** Where the variants' manifests go (default: `<db>-manifests` beside the database). */
  manifestDir?: string;
}

export type SelftestEvent =
  | { type: 'variant-started'; bug: BugName; position: number; total: number }
  | { type: 'suite'; bug: BugName; event: SuiteEvent }
  | { type: 'variant-finished'; result: VariantResult };

export interface SelftestResult {
  startedAt: string;
  dbFile: string;
  variants: VariantResult[];
  allCaught: boolean;
}

export async function runSelftest(o: SelftestOptions, onEvent: (e: SelftestEvent) => void = () => {}): Promise<SelftestResult> {
  const startedAt = new Date().toISOString();
  const manifestDir = o.manifestDir ?? `${o.dbFile.replace(/\.(sqlite|db)$/, '')}-manifests`;
  const variants: VariantResult[] = [];
  for (const [i, bug] of o.bugs.entries()) {
    onEvent({ type: 'variant-started', bug, position: i + 1, total: o.bugs.length });
    const r = await runVariant(
      { bug, seed: o.seed, budgetMs: o.budgetMs, shrinkBudgetMs: o.shrinkBudgetMs, dbFile: o.dbFile, workers: o.workers, bounds: o.bounds, manifestDir: path.resolve(manifestDir) },
      (event) => onEvent({ type: 'suite', bug, event }),
    );
    // runSuite has closed its connection; the row goes in through a fresh one, after the variant's cases.
    const store = Store.open(o.dbFile);
    try {
      store.recordSelftestResult({
        selftestStartedAt: startedAt,
        variant: bug,
        suiteId: r.suiteId,
        seed: r.seed,
        scenarios: r.scenarios,
        budgetMs: o.budgetMs,
        shrinkBudgetMs: o.shrinkBudgetMs,
        caught: r.caught,
        msToFirstFailure: r.msToFirstFailure,
        casesRun: r.casesRun,
        caseId: r.failure?.caseId ?? null,
        anomaly: r.failure?.anomaly ?? null,
        message: r.failure?.message ?? null,
        failureLine: r.failure?.line ?? null,
        shrunk: r.shrunk === null ? null : { path: r.shrunk.path, inputRecords: r.shrunk.inputRecords, faults: r.shrunk.faults, replayLine: r.shrunk.replayLine, candidates: r.shrunk.candidates, interrupted: r.shrunk.interrupted },
      });
    } finally {
      store.close();
    }
    variants.push(r);
    onEvent({ type: 'variant-finished', result: r });
  }
  return { startedAt, dbFile: o.dbFile, variants, allCaught: variants.every((v) => v.caught) };
}
