// Serving SUT processes for one manifest (PROTOCOL.md §9), so that a case spends a process start
// only where a process died. Two rules keep this honest:
// - A restart (any start after the first of a faulty run: a recovery) runs only in a fresh process,
//   one that has served no run, so recovered state can only come from the checkpoint on disk.
//   Fresh processes are started ahead of time (freshSparesMax of them), off the case's critical path.
// - A first start (failure-free runs, a faulty run's first start: empty checkpoint directory) may run
//   in a process that ended earlier runs cleanly; a process serves at most runsPerProcessMax runs,
//   and at most usedIdleMax such processes wait idle (the rest are ended: a run of restarts, as in
//   power-loss states, would otherwise leave one idle process behind per recovery).
// Crashes are unchanged: a crash point or a kill-after fault SIGKILLs the serving process itself.

import type { LoadedManifest } from '../protocol/manifest.js';
import type { ServeOptions } from './served-process.js';
import { ServedProcess } from './served-process.js';
import type { RunRequest, SutRun } from './sut-run.js';

export interface ProcessPoolOptions extends ServeOptions {
  /** Fresh processes kept started ahead of time (one per concurrent case is enough). */
  freshSparesMax: number;
  /** Runs one process may serve before it is retired (bounds what a leak can accumulate). */
  runsPerProcessMax: number;
  /** Processes that have served runs kept idle for later first starts; any more are ended. */
  usedIdleMax: number;
}

export interface ProcessPoolStats {
  /** Serving processes started. */
  processesStarted: number;
  /** Runs started, and how many of them went to a process that had served runs before. */
  runs: number;
  runsInUsedProcess: number;
  /** Runs whose process had not yet said ready when the run was wanted (it waited for a start-up). */
  runsWaitingForReady: number;
}

export class ProcessPool {
  private readonly fresh: ServedProcess[] = [];
  private readonly used: ServedProcess[] = [];
  private readonly alive = new Set<ServedProcess>();
  private closed = false;
  readonly stats: ProcessPoolStats = { processesStarted: 0, runs: 0, runsInUsedProcess: 0, runsWaitingForReady: 0 };

  constructor(private readonly options: ProcessPoolOptions) {
    if (!Number.isSafeInteger(options.freshSparesMax) || options.freshSparesMax < 0) throw new Error(`ProcessPool: freshSparesMax must be a non-negative integer, received ${options.freshSparesMax}`);
    if (!Number.isSafeInteger(options.runsPerProcessMax) || options.runsPerProcessMax < 1) throw new Error(`ProcessPool: runsPerProcessMax must be a positive integer, received ${options.runsPerProcessMax}`);
    if (!Number.isSafeInteger(options.usedIdleMax) || options.usedIdleMax < 0) throw new Error(`ProcessPool: usedIdleMax must be a non-negative integer, received ${options.usedIdleMax}`);
  }

  /** Starts a run; `restart` runs get a fresh process. */
  start(request: RunRequest & { restart: boolean }): SutRun {
    if (this.closed) throw new Error('ProcessPool.start: the pool is closed');
    const proc = (request.restart ? undefined : this.take(this.used)) ?? this.take(this.fresh) ?? this.spawn();
    this.stats.runs++;
    if (proc.runs > 0) this.stats.runsInUsedProcess++;
    if (!proc.isReady) this.stats.runsWaitingForReady++;
    const run = proc.run(request);
    this.topUp();
    return run;
  }

  /**
   * Stops starting processes, ends idle ones (they exit 0 at the end of stdin), kills busy ones, and
   * kills whatever has not exited closeGraceMs later (a SUT that ignores the end of its stdin);
   * resolves when all are gone.
   */
  async close(closeGraceMs = CLOSE_GRACE_MS): Promise<void> {
    this.closed = true;
    this.fresh.splice(0);
    this.used.splice(0);
    for (const p of this.alive) {
      if (p.state === 'idle') p.close();
      else p.kill();
    }
    const ended = Promise.all([...this.alive].map((p) => p.ended));
    const timer = setTimeout(() => {
      for (const p of this.alive) p.kill();
    }, closeGraceMs);
    await ended;
    clearTimeout(timer);
  }

  private take(list: ServedProcess[]): ServedProcess | undefined {
    while (list.length > 0) {
      const p = list.shift()!;
      if (p.state === 'idle') return p;
    }
    return undefined;
  }

  private spawn(): ServedProcess {
    const p = ServedProcess.spawn(this.options);
    this.stats.processesStarted++;
    this.alive.add(p);
    void p.ended.then(() => this.alive.delete(p));
    p.onIdle = (idle) => {
      if (this.closed || idle.runs >= this.options.runsPerProcessMax || this.idleIn(this.used) >= this.options.usedIdleMax) idle.close();
      else this.used.push(idle);
    };
    return p;
  }

  private idleIn(list: readonly ServedProcess[]): number {
    return list.filter((p) => p.state === 'idle').length;
  }

  private topUp(): void {
    while (this.idleIn(this.fresh) < this.options.freshSparesMax) this.fresh.push(this.spawn());
  }

  /** Fresh processes started ahead of time that have said ready: restarts that will not wait. */
  get readySpares(): number {
    return this.fresh.filter((p) => p.state === 'idle' && p.isReady).length;
  }

  /** Serving processes started and not yet ended (busy, idle, or closing). */
  get aliveCount(): number {
    return this.alive.size;
  }
}

/** How long an idle serving process gets to exit after the end of its stdin before it is killed. */
export const CLOSE_GRACE_MS = 2_000;

/** Runs a serving process may serve before it is retired. */
export const RUNS_PER_PROCESS_MAX = 64;

/** The pool for a SUT whose manifest declares serve, with a fresh spare and an idle used process per
 *  concurrent case; else undefined. */
export function processPoolFor(sut: LoadedManifest, concurrentCases: number): ProcessPool | undefined {
  const serve = sut.manifest.serve;
  if (serve === undefined) return undefined;
  return new ProcessPool({ command: serve.command, cwd: sut.cwd, env: sut.manifest.env ?? {}, freshSparesMax: Math.max(1, concurrentCases), runsPerProcessMax: RUNS_PER_PROCESS_MAX, usedIdleMax: Math.max(1, concurrentCases) });
}
