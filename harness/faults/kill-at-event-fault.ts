// SIGKILL after the start's k-th event line: how a replay reproduces a timed kill. A delay lands at a
// different point of the SUT's progress on every run; the number of event lines the SUT had printed
// when the timed kill struck is recorded instead, with the milliseconds since the last of them and the
// digest of the directories the kill left (harness/run/crash-state-digest.ts). The replay kills the
// start that long after it has read that many lines — and at the latest when the next line arrives,
// so it never lets the SUT past the recorded stretch — and, when a digest was recorded, compares the
// state its kill left: if it differs (the SUT moved on a little more or less before the signal
// landed), replayed-kill-states.ts puts back the kept state or restores the directories and runs the start again with the next delay of
// replayKillDelayMs, up to KILL_STATE_TRIES_MAX tries, then says whether the state was reproduced.

import type { SutRun } from '../process/sut-run.js';

/** Starts of one replayed timed kill, tried until its kill leaves the recorded state (killStateTriesMax). */
export const KILL_STATE_TRIES_MAX = 12;

/** Fractions of the recorded delay the tries after the first strike at, then round again. */
const DELAY_FRACTIONS = [1, 0, 0.5, 1.5, 0.25, 0.75, 2, 0.1] as const;

/** Milliseconds after the recorded line the try-th try (0-based) strikes: the recorded delay first,
 *  then right after the line, then spread around the recorded delay (a few ms when it was 0). */
export function replayKillDelayMs(recordedAfterMs: number, tryIndex: number): number {
  const f = DELAY_FRACTIONS[tryIndex % DELAY_FRACTIONS.length]!;
  const base = recordedAfterMs > 0 ? recordedAfterMs : 4;
  return tryIndex === 0 ? recordedAfterMs : Math.round(f * base);
}

/** An armed kill of one start (not the replay line's record of where a kill landed: replay-line.ts). */
export interface ArmedKillAtEvent {
  /** Call for every event line of the start, in order. */
  onEvent(): void;
  disarm(): void;
}

export function armKillAtEvent(proc: SutRun, event: number | null, afterMs: number, onKill: (atMs: number) => void): ArmedKillAtEvent {
  if (event !== null && (!Number.isSafeInteger(event) || event < 0)) throw new Error(`kill-at-event fault: expected a non-negative event count, received ${event}`);
  let seen = 0;
  let disarmed = event === null;
  let timer: NodeJS.Timeout | undefined;
  const strike = (): void => {
    if (disarmed || proc.status !== 'running') return;
    disarmed = true;
    clearTimeout(timer);
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
      if (event === null || event < 0) return;
      if (seen === event && event > 0) arm();
      // The next line arrived before the delay ran out: the recorded kill struck before this line
      // was read, so strike now rather than let the SUT go further.
      else if (seen > event) strike();
    },
    disarm() {
      disarmed = true;
      clearTimeout(timer);
    },
  };
}
