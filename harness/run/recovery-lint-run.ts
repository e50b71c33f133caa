// The one extra start the recovery half of the durability lint needs (check/recovery-read-lint.ts):
// the "process" crash state of a traced failure-free run, cut at recoveryLintCutFraction of its file
// changes, is written into fresh directories and the SUT is started there once, traced, so the trace
// shows which files its recovery reads. Nothing is judged: a start that fails or cannot be traced
// gives no findings, and says why.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScenarioCase } from '../../scenarios/scenario.js';
import type { LintFinding } from '../check/durability-lint.js';
import { recoveryReadLint } from '../check/recovery-read-lint.js';
import type { LoadedManifest } from '../protocol/manifest.js';
import { changeCount, crashState } from '../trace/crash-state.js';
import { isChange, type FileTrace } from '../trace/file-op.js';
import { writeImage } from '../trace/fs-image.js';
import type { TraceResult } from '../trace/read-trace.js';
import type { RunBounds } from './run-bounds.js';
import { makeRunDirs } from './run-dirs.js';
import { runUntilDone, watchedRoots } from './run-until-done.js';

/** Where in the failure-free run the recovery is traced: past the first checkpoints, before the end. */
export const recoveryLintCutFraction = 0.6;

/** The last change of the batch in progress at recoveryLintCutFraction of the changes (from the
 *  SUT's events), so the state is one a SIGKILL between two batches leaves, not one cut inside a
 *  file's rewrite; that change itself when the SUT prints no batch times. */
export function recoveryLintCut(trace: FileTrace, total: number): number {
  const target = Math.max(1, Math.floor(recoveryLintCutFraction * total));
  let n = 0;
  let batch: number | null = null;
  let cut = target;
  for (const op of trace.ops) {
    if (!isChange(op)) continue;
    n += 1;
    if (n === target) {
      batch = op.batchTimeMs;
      if (batch === null) return target;
    } else if (n > target) {
      if (op.batchTimeMs !== batch) return cut;
    }
    if (n >= target) cut = n;
  }
  return cut;
}

export type RecoveryLint = { type: 'linted'; cut: number; findings: LintFinding[] } | { type: 'not-linted'; reason: string };

export async function recoveryLint(sut: LoadedManifest, c: ScenarioCase, before: FileTrace, bounds: RunBounds, root: string): Promise<RecoveryLint> {
  if (before.incomplete.length > 0) return { type: 'not-linted', reason: `the failure-free trace is incomplete: ${before.incomplete.join('; ')}` };
  if (before.embedsRoots) return { type: 'not-linted', reason: 'the SUT writes its directories\' absolute paths into its files' };
  const total = changeCount(before);
  if (total === 0) return { type: 'not-linted', reason: 'the failure-free run changed no file' };
  const cut = recoveryLintCut(before, total);
  const dirs = makeRunDirs(root, 'recovery-lint', c);
  try {
    writeImage(crashState(before, cut, { type: 'process' }).image, watchedRoots(dirs));
    let traced: TraceResult | null = null;
    const t0 = performance.now();
    const outcome = await runUntilDone({
      sut,
      scenarioCase: c,
      dirs,
      kind: 'failure-free',
      faults: [],
      bounds,
      clock: () => Math.round(performance.now() - t0),
      timeline: [],
      trace: { dir: root, every: true, onTrace: (_: number, t: TraceResult) => (traced = t) },
    });
    const t = traced as TraceResult | null;
    if (t === null || t.type !== 'traced') return { type: 'not-linted', reason: t === null ? 'the recovery start was not traced' : t.reason };
    // What it read counts whatever it did next (a SUT that refuses the state has still read it).
    void outcome;
    return { type: 'linted', cut, findings: recoveryReadLint(before, cut, t.trace) };
  } finally {
    fs.rmSync(path.join(root, 'recovery-lint'), { recursive: true, force: true });
  }
}
