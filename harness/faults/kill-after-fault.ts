// SIGKILL after a delay: a crash at an instant the SUT does not choose, for SUTs without crash
// points or to hit states between them. Returns a disarm function for runs that end first.

import type { SutRun } from '../process/sut-run.js';

export function armKillAfter(proc: SutRun, delayMs: number, onKill: (atMs: number) => void): () => void {
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error(`kill-after fault: expected a non-negative delay in ms, received ${delayMs}`);
  // The delay counts from the run's beginning: for a served run, from its request, not from the
  // spawn of a process that may still be starting.
  let timer: NodeJS.Timeout | undefined;
  let disarmed = false;
  void proc.started.then(() => {
    if (disarmed) return;
    timer = setTimeout(() => {
      if (proc.status !== 'running') return;
      onKill(proc.elapsedMs());
      proc.kill('fault');
    }, delayMs);
  });
  return () => {
    disarmed = true;
    clearTimeout(timer);
  };
}
