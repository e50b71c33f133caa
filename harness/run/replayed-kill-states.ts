// The crash states of replayed timed kills (kill-at-event faults that carry the digest the recorded
// kill left, kill-at-event-fault.ts): after each try of such a start, whether its kill left the
// recorded state, else the kept state is put back (crash-state-files.ts), else the start is tried
// again from a snapshot of its directories with the next delay, up to KILL_STATE_TRIES_MAX tries.
// run-until-done asks after every try and rolls its timeline back on 'retry'.

import { KILL_STATE_TRIES_MAX } from '../faults/kill-at-event-fault.js';
import { readCrashStateFile } from '../store/crash-state-files.js';
import { captureCrashState, restoreCrashState, STATE_DIGEST_BYTES_MAX, type CapturedState, type StateEntry } from './crash-state-digest.js';
import type { RunDirs } from './run-dirs.js';

/** How one try of a replayed start ended. */
export interface ReplayedTry {
  attempt: number;
  /** The digest the recorded kill left. */
  expected: string;
  /** The try's kill landed. */
  killed: boolean;
  /** The start ran to a clean end before the kill could land. */
  ranToEnd: boolean;
  /** What the kill left (null when it did not land). */
  captured: CapturedState | null;
  /** Time is left in the case for another try. */
  timeLeft: boolean;
}

export type Settled =
  | { type: 'retry' }
  /** endedAsRecorded: a start that ran to its end now holds the recorded state and is restarted as the recorded one was. */
  | { type: 'settled'; note: string; stateDigest: string | undefined; endedAsRecorded: boolean };

export class ReplayedKillStates {
  /** What each try of the current start left. */
  private tries: string[] = [];
  private snapshot: StateEntry[] | null = null;
  /** The first start whose recorded state was not reproduced: later starts begin from another state. */
  private offTrackFrom: number | null = null;

  constructor(
    private readonly dirs: RunDirs,
    /** Where the recorded run kept its states (--crash-states); null: none. */
    private readonly storedDir: string | null,
  ) {}

  /** Tries of the current start so far (the next try's index). */
  get tryIndex(): number {
    return this.tries.length;
  }

  /** Before each try: the first takes the snapshot the others start from. */
  beforeTry(): void {
    if (this.tries.length > 0) return;
    const before = captureCrashState(this.dirs, STATE_DIGEST_BYTES_MAX);
    this.snapshot = before.type === 'digest' ? before.entries : null;
  }

  /** After a try: 'retry' (the directories are rolled back to the snapshot) or how the start settled. */
  afterTry(t: ReplayedTry): Settled {
    let stateDigest = t.captured?.type === 'digest' ? t.captured.digest : undefined;
    if (t.ranToEnd) {
      const now = captureCrashState(this.dirs, 0);
      if (now.type === 'digest') stateDigest = now.digest;
    }
    const lastTry = !(this.snapshot !== null && this.tries.length + 1 < KILL_STATE_TRIES_MAX && t.timeLeft);
    const left = !t.killed ? `no kill (the start ${t.ranToEnd ? 'ran to its end' : 'ended first'}${stateDigest === undefined ? '' : `, leaving ${stateDigest}`})` : (stateDigest ?? `no digest (${t.captured?.type === 'not-taken' ? t.captured.reason : '?'})`);
    this.tries.push(left);
    const canPutBack = t.killed || (t.ranToEnd && lastTry);
    const stored = stateDigest === t.expected || !canPutBack || this.storedDir === null ? null : readCrashStateFile(this.storedDir, t.expected);
    const endedAsRecorded = t.ranToEnd && (stateDigest === t.expected || stored?.type === 'found');
    const settled = (note: string): Settled => ({ type: 'settled', note, stateDigest, endedAsRecorded });
    if (stateDigest === t.expected) {
      return settled(
        t.ranToEnd
          ? `; crash state ${t.expected} reproduced exactly: the start ran to its end before the kill landed (the recorded kill struck after its last line), so it is restarted as the recorded run's was`
          : `; crash state ${t.expected} reproduced exactly${this.tries.length > 1 ? ` (try ${this.tries.length}; earlier tries left ${this.tries.slice(0, -1).join(', ')})` : ''}`,
      );
    }
    if (stored?.type === 'found') {
      // The kill landed a little off: the state the recorded kill left is put back, exactly.
      restoreCrashState(this.dirs, stored.entries);
      const now = captureCrashState(this.dirs, 0);
      if (now.type === 'digest') stateDigest = now.digest;
      return settled(
        now.type === 'digest' && now.digest === t.expected
          ? `; crash state ${t.expected} put back from ${this.storedDir}: this ${t.killed ? 'kill' : 'start'} left ${left}${t.killed ? '' : ', and the start is restarted as the recorded run\'s was'}`
          : `; crash state ${t.expected} NOT reproduced: the stored state did not restore to its digest (${now.type === 'digest' ? now.digest : now.reason}), so the verdict may differ from the recorded run's`,
      );
    }
    if (!lastTry && this.snapshot !== null) {
      // Another state and none stored: roll this try back and run the start again with the next delay.
      restoreCrashState(this.dirs, this.snapshot);
      return { type: 'retry' };
    }
    const tries = `${this.tries.length} ${this.tries.length === 1 ? 'try' : 'tries'}`;
    const note = `; crash state ${t.expected} NOT reproduced in ${tries} (left: ${this.tries.join(', ')})${stored === null ? '' : `, and ${stored.reason}`}${this.offTrackFrom === null ? '' : ` (start ${this.offTrackFrom}'s state was not reproduced either, so this start began from another state)`}: the verdict may differ from the recorded run's; --crash-states with the folder the recorded run kept its states in puts them back`;
    this.offTrackFrom ??= t.attempt;
    return settled(note);
  }

  /** The start is over: the next one takes its own snapshot. */
  endStart(): void {
    this.tries = [];
    this.snapshot = null;
  }
}
