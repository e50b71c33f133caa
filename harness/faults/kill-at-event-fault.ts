// SIGKILL after the start's k-th event line: how a replay reproduces a timed kill. A delay lands at a
// different point of the SUT's progress on every run; the number of event lines the SUT had printed
// when the timed kill struck is recorded instead (and the milliseconds since the last of them), and
// the replay kills the start that long after it has read that many (k = 0: after the start began). The SUT may have moved on a little between
// printing line k and the signal arriving, as it may have in the recorded run.

import type { SutRun } from '../process/sut-run.js';

export interface KillAtEvent {
  /** Call for every event line of the start, in order. */
  onEvent(): void;
  disarm(): void;
}

export function armKillAtEvent(proc: SutRun, event: number | null, afterMs: number, onKill: (atMs: number) => void): KillAtEvent {
  if (event !== null && (!Number.isSafeInteger(event) || event < 0)) throw new Error(`kill-at-event fault: expected a non-negative event count, received ${event}`);
  let seen = 0;
  let disarmed = event === null;
  let timer: NodeJS.Timeout | undefined;
  const strike = (): void => {
    if (disarmed || proc.status !== 'running') return;
    disarmed = true;
    onKill(proc.elapsedMs());
    proc.kill('fault');
  };
  const arm = (): void => {
    if (afterMs <= 0) strike();
    else timer = setTimeout(strike, afterMs);
  };
  if (event === 0) void proc.started.then(arm);
  return {
    onEvent() {
      seen += 1;
      if (event !== null && event > 0 && seen === event) arm();
    },
    disarm() {
      disarmed = true;
      clearTimeout(timer);
    },
  };
}
