// Runs one case end to end: the SUT failure-free, then under the fault plan from the same kind of
// fresh directories, restarting until it exits 0; stores every fact as it happens, then judges.
// The case's temporary directory is removed afterwards unless the case did not pass.

import * as fs from 'node:fs';
import { dir } from 'tmp-promise';
import { validateProgram } from '../../reference/program/validate.js';
import { expectedOutputs } from '../../scenarios/model/expected-outputs.js';
import type { ScenarioCase } from '../../scenarios/scenario.js';
import { judge } from '../check/judge.js';
import { observeRun } from '../check/observed-run.js';
import type { Verdict } from '../check/verdict.js';
import type { FaultPlan } from '../faults/fault.js';
import type { SutEvent } from '../protocol/event-line.js';
import type { LoadedManifest } from '../protocol/manifest.js';
import type { Store } from '../store/store.js';
import { DEFAULT_RUN_BOUNDS, type RunBounds } from './run-bounds.js';
import { makeRunDirs } from './run-dirs.js';
import { runUntilDone } from './run-until-done.js';
import type { TimelineEntry } from './timeline.js';

export interface CaseSpec {
  /** The seed and fast-check path that drew this case; printed first on every failure. */
  seed: number;
  path: string;
  scenarioCase: ScenarioCase;
  faultPlan: FaultPlan;
}

export interface RunCaseOptions {
  sut: LoadedManifest;
  bounds?: RunBounds;
  store?: Store;
  suiteId?: number | null;
  caseIndex?: number;
  /** Keep the temporary directory: never, unless the verdict is not pass (default), or always. */
  keepWorkDir?: 'never' | 'unless-pass' | 'always';
}

export interface CaseResult {
  verdict: Verdict;
  timeline: TimelineEntry[];
  /** The kept temporary directory, or null when it was removed. */
  workDir: string | null;
  caseId: number | null;
  /** The line `streamcheck replay` will take. */
  replayLine: string;
}

export function replayLine(spec: CaseSpec): string {
  return `streamcheck replay --scenario ${spec.scenarioCase.scenario} --seed ${spec.seed} --path ${JSON.stringify(spec.path)}`;
}

export async function runCase(spec: CaseSpec, o: RunCaseOptions): Promise<CaseResult> {
  const bounds = o.bounds ?? DEFAULT_RUN_BOUNDS;
  const work = await dir({ prefix: 'streamcheck-case-', unsafeCleanup: true });
  const caseId =
    o.store?.beginCase({
      suiteId: o.suiteId ?? null,
      caseIndex: o.caseIndex ?? 0,
      scenario: spec.scenarioCase.scenario,
      seed: spec.seed,
      path: spec.path,
      caseJson: spec.scenarioCase,
      faultPlanJson: spec.faultPlan,
      workDir: work.path,
    }) ?? null;
  const stored = o.store !== undefined && caseId !== null ? { store: o.store, caseId } : undefined;
  const t0 = performance.now();
  const clock = () => Math.round(performance.now() - t0);
  const timeline: TimelineEntry[] = [];
  const common = { sut: o.sut, scenarioCase: spec.scenarioCase, bounds, clock, timeline, store: stored };

  const ffDirs = makeRunDirs(work.path, 'failure-free', spec.scenarioCase);
  const ffOutcome = await runUntilDone({ ...common, dirs: ffDirs, kind: 'failure-free', faults: [] });
  const fyDirs = makeRunDirs(work.path, 'faulty', spec.scenarioCase);
  const fyOutcome = await runUntilDone({ ...common, dirs: fyDirs, kind: 'faulty', faults: spec.faultPlan.faults });

  const eventsOf = (run: 'failure-free' | 'faulty'): SutEvent[] => timeline.flatMap((e) => (e.type === 'event' && e.run === run ? [e.event] : []));
  const verdict = judge({
    guarantee: o.sut.manifest.outputGuarantee,
    expected: () => expectedOutputs(validateProgram(spec.scenarioCase.program), spec.scenarioCase.input),
    failureFree: { outcome: ffOutcome, observed: observeRun(ffDirs.outputDir, eventsOf('failure-free')) },
    faulty: { outcome: fyOutcome, observed: observeRun(fyDirs.outputDir, eventsOf('faulty')) },
  });

  const keep = o.keepWorkDir ?? 'unless-pass';
  const kept = keep === 'always' || (keep === 'unless-pass' && verdict.verdict !== 'pass');
  if (!kept) await work.cleanup();
  if (stored !== undefined) {
    const a = verdict.anomaly;
    stored.store.setCaseWorkDir(stored.caseId, kept ? work.path : null);
    stored.store.finishCase(stored.caseId, {
      verdict: verdict.verdict,
      anomaly: a?.kind ?? null,
      firstBatchMs: a?.batchTimeMs ?? null,
      firstKey: a?.key ?? null,
      message: a?.message ?? (verdict.results.find((r) => r.type === 'unknown') as { error?: string } | undefined)?.error ?? null,
      detail: verdict,
    });
  }
  return { verdict, timeline, workDir: kept && fs.existsSync(work.path) ? work.path : null, caseId, replayLine: replayLine(spec) };
}
