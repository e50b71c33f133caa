// SIGKILL after a delay: a crash at an instant the SUT does not choose, for SUTs without crash
// points or to hit states between them. Returns a disarm function for runs that end first.

import type { SutProcess } from '../process/sut-process.js';

export function armKillAfter(proc: SutProcess, delayMs: number, onKill: (atMs: number) => void): () => void {
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error(`kill-after fault: expected a non-negative delay in ms, received ${delayMs}`);
  const timer = setTimeout(() => {
    if (proc.status !== 'running') return;
    onKill(proc.elapsedMs());
    proc.kill('fault');
  }, delayMs);
  return () => clearTimeout(timer);
}
