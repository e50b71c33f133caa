// Timing of in-process engine runs: wall time and this process's CPU time. On a shared machine the
// wall clock also counts time the run spent waiting for a core, so per-core rates use CPU time.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { runSync, type RunOptions } from '../reference/engine/run-engine.js';
import { CrashSignal } from '../reference/engine/crash-points.js';
import { MemorySink } from '../reference/sink/output-sink.js';
import type { CrashPointName, EngineEvent } from '../reference/engine/events.js';

export interface Timing {
  wallMs: number;
  cpuMs: number;
}

export function measure(fn: () => void): Timing {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

/** A fresh directory under root, removed by the caller (or with root). */
export function freshDir(root: string, prefix: string): string {
  fs.mkdirSync(root, { recursive: true });
  return fs.mkdtempSync(path.join(root, `${prefix}-`));
}

/** A crash function for in-process runs: throws instead of killing the process. */
export const throwCrash = (n: number, point: CrashPointName): never => {
  throw new CrashSignal(n, point);
};

/** The crash point number of the first `point` at batchTimeMs in a failure-free checkpointed run. */
export function crashPointNumber(o: RunOptions, point: CrashPointName, batchTimeMs: number, scratch: string): number {
  const dir = freshDir(scratch, 'count');
  let found: number | undefined;
  const onEvent = (e: EngineEvent) => {
    if (found === undefined && e.event === 'crash-point' && e.name === point && e.batchTimeMs === batchTimeMs) found = e.n;
  };
  try {
    runSync({ ...o, checkpointDir: dir, sink: new MemorySink(), reportCrashPoints: true, onEvent });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (found === undefined) throw new Error(`no crash point ${point} at batch ${batchTimeMs} ms in the run`);
  return found;
}

/** Runs into a crash at crash point n, leaving the checkpoint directory as the crash left it. */
export function runIntoCrash(o: RunOptions, checkpointDir: string, n: number): void {
  try {
    runSync({ ...o, checkpointDir, sink: new MemorySink(), crashAt: n, crash: throwCrash });
  } catch (error) {
    if (error instanceof CrashSignal) return;
    throw error;
  }
  throw new Error(`the run finished without reaching crash point ${n}`);
}

// A full collection between measurements, so one run's garbage is not collected on the next one's
// time. Exposing gc at run time avoids needing a node flag in `npm run bench`.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
}

/** CPU milliseconds of this process's children that have ended and been waited for. */
export function childrenCpuMs(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // Fields 16 and 17 of proc(5) (cutime, cstime), counted from the state field (3) after ") ".
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}
