// In-process crash runs of the reference engine for the recovery tests: a failure-free run over a
// checkpoint and an output directory, a run that "crashes" by throwing CrashSignal at its n-th crash
// point (every engine write is synchronous, so the directories are exactly as a SIGKILL there would
// leave them), restarts until done, and snapshots of directories to compare byte for byte.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CrashSignal, runSync } from '../../reference/engine/run-engine.js';
import type { EngineEvent } from '../../reference/engine/events.js';
import type { ValidProgram } from '../../reference/program/validate.js';
import type { InputLog } from '../../reference/source/input-log.js';
import { FINAL_STATE_FILE, readOutputDir } from '../../reference/sink/output-sink.js';
import type { BatchOutput } from '../../reference/sink/batch-output.js';

export interface Dirs {
  checkpointDir: string;
  outputDir: string;
  /** Node-local scratch space, which may be wiped between runs. */
  scratchDir?: string;
}

export interface RunSpec {
  program: ValidProgram;
  input: InputLog;
  maxPendingBatches: number;
}

export type RunResult = { kind: 'crashed'; point: string; events: EngineEvent[] } | { kind: 'done'; events: EngineEvent[]; done: Extract<EngineEvent, { event: 'done' }> };

const throwCrash = (n: number, point: ConstructorParameters<typeof CrashSignal>[1]): never => {
  throw new CrashSignal(n, point);
};

/** One engine run over the directories; crashes (throws CrashSignal, caught here) at crash point `crashAt`. */
export function runOnce(spec: RunSpec, dirs: Dirs, crashAt?: number): RunResult {
  const events: EngineEvent[] = [];
  try {
    runSync({
      program: spec.program,
      input: spec.input,
      checkpointDir: dirs.checkpointDir,
      outputDir: dirs.outputDir,
      scratchDir: dirs.scratchDir,
      maxPendingBatches: spec.maxPendingBatches,
      crashAt,
      crash: throwCrash,
      onEvent: (e) => events.push(e),
      onWarning: () => {},
    });
  } catch (error) {
    if (!(error instanceof CrashSignal)) throw error;
    return { kind: 'crashed', point: error.point, events };
  }
  const done = events.find((e): e is Extract<EngineEvent, { event: 'done' }> => e.event === 'done');
  if (done === undefined) throw new Error('the engine returned without a done event');
  return { kind: 'done', events, done };
}

/** Bound on restarts after the planned crashes: one must finish (a crash-free run always ends). */
const RESTARTS_MAX = 1;

/**
 * Runs with a crash at each of `crashes` in turn (crash point numbers counted per run; a run that
 * ends before reaching its number simply finishes), then restarts until done. Returns every run.
 */
export function runWithCrashes(spec: RunSpec, dirs: Dirs, crashes: readonly number[], beforeRestart: () => void = () => {}): RunResult[] {
  const runs: RunResult[] = [];
  for (const n of crashes) {
    const r = runOnce(spec, dirs, n);
    runs.push(r);
    if (r.kind === 'done') return runs;
    beforeRestart();
  }
  for (let i = 0; i < RESTARTS_MAX; i++) {
    const r = runOnce(spec, dirs);
    runs.push(r);
    if (r.kind === 'done') return runs;
  }
  throw new Error(`no run finished after ${crashes.length} crashes and ${RESTARTS_MAX} restart(s)`);
}

/** What a run leaves that must not depend on crashes: every committed output and the final state. */
export interface OutputSnapshot {
  outputs: BatchOutput[];
  finalState: string;
}

export function outputSnapshot(outputDir: string): OutputSnapshot {
  return { outputs: readOutputDir(outputDir), finalState: fs.readFileSync(path.join(outputDir, FINAL_STATE_FILE), 'utf8') };
}

/** Every file under `dir` (relative path -> bytes, as hex-free base64 for readable diffs of names). */
export function dirSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r)).toString('base64');
    }
  };
  walk('');
  return out;
}

/** Crash point numbers to try for a run with `count` crash points: all of them if at most `max`,
 *  else `max` distinct ones drawn with `seed` (deterministic, so a failure replays). */
export function crashPointsToTry(count: number, max: number, seed: number): number[] {
  const all = Array.from({ length: count }, (_, i) => i + 1);
  if (count <= max) return all;
  let s = seed >>> 0;
  const next = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, max).sort((a, b) => a - b);
}
