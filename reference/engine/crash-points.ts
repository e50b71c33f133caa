// Counts the crash points a run passes and, when told to crash at the n-th, kills the process right
// there with SIGKILL: no cleanup, no flush, exactly like a machine losing the process. In-process
// callers (tests) may pass their own `crash` that throws instead.

import type { CrashPointName, EngineEvent } from './events.js';

export class CrashSignal extends Error {
  override name = 'CrashSignal';
  constructor(readonly n: number, readonly point: CrashPointName) {
    super(`simulated crash at crash point ${n} (${point})`);
  }
}

export const killProcess = (): never => {
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is not deliverable to a handler; if we are still here the kernel has not acted yet.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
};

export class CrashPoints {
  private passed = 0;

  constructor(
    private readonly crashAt: number | undefined,
    private readonly emit: (e: EngineEvent) => void,
    private readonly crash: (n: number, point: CrashPointName) => never,
    private readonly report: boolean,
  ) {}

  get count(): number {
    return this.passed;
  }

  pass(name: CrashPointName, batchTimeMs: number | null): void {
    this.passed += 1;
    if (this.report || this.passed === this.crashAt) this.emit({ event: 'crash-point', n: this.passed, name, batchTimeMs });
    if (this.passed === this.crashAt) this.crash(this.passed, name);
  }
}
