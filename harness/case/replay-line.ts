// The one place a replay line is built: the `streamcheck replay` command that re-runs one case with
// everything that influenced it — the SUT's manifest, the level its fault kinds were drawn at, the
// case's seed and path, the run bounds, serve mode, and where each timed kill landed (the k-th event
// line, since a delay is not replayable). The runner, the terminal, report.md, JUnit and the HTML
// report all call replayLine, so the lines cannot drift apart.

/** Words a POSIX shell reads literally; anything else is quoted. */
const SHELL_SAFE = /^[\w@%+=:,./-]+$/;

/** Where a timed kill of one start landed: after the start's `event`-th event line, or null when it
 *  did not land (the start ended first), so the replay does not kill that start either. */
export interface KillAtEvent {
  attempt: number;
  event: number | null;
  /** Milliseconds after that line the kill struck (0 when unknown): where a replay's first try strikes. */
  afterMs?: number;
  /** The digest of the directories the kill left (crash-state-digest.ts): a replay re-runs the start
   *  until its kill leaves the same state. */
  state?: string;
}

/** Which metadata checkpoint file a corruption before a start struck: "newest by modification time"
 *  is ambiguous within a tick of the file system's coarse clock, so a replay strikes the recorded one. */
export interface CorruptedFile {
  attempt: number;
  file: string;
}

export interface ReplaySpec {
  scenario: string;
  seed: number;
  path: string;
  /** The SUT's manifest file; null: the default SUT (the reference engine). */
  manifestFile: string | null;
  /** The conformance level the case was drawn at; null when unknown (old databases). */
  level: string | null;
  /** The run bounds the case ran under; null when unknown (old databases). */
  bounds: { runTimeoutMs: number; caseTimeoutMs: number; restartsMax: number } | null;
  /** Whether the case ran in serving processes; null when unknown. */
  serve: boolean | null;
  /** Where the case's timed kills landed, by start. */
  killAtEvents: readonly KillAtEvent[];
  /** Where the crash states those kills left are kept (crash-state-files.ts); null: none kept. */
  crashStatesDir?: string | null;
  /** The files the case's corruptions struck, by start. */
  corruptFiles?: readonly CorruptedFile[];
}

const quote = (s: string): string => (SHELL_SAFE.test(s) ? s : JSON.stringify(s));

export function formatKillAtEvents(k: readonly KillAtEvent[]): string {
  return [...k]
    .sort((a, b) => a.attempt - b.attempt)
    .map((x) => `${x.attempt}:${x.event === null ? '-' : `${x.event}${(x.afterMs ?? 0) > 0 ? `+${x.afterMs}ms` : ''}${x.state === undefined ? '' : `@${x.state}`}`}`)
    .join(',');
}

/** Parses `1:5+20ms@3fa2c1d0b9e8,3:-` (start 1 killed 20 ms after its 5th event line, leaving the state
 *  of that digest; start 3's timed kill did not land); throws a message naming the flag. */
export function parseKillAtEvents(text: string): KillAtEvent[] {
  const out: KillAtEvent[] = [];
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const m = /^(\d+):(?:(\d+)(?:\+(\d+)ms)?(?:@([0-9a-f]{4,64}))?|(-))$/.exec(part.trim());
    if (m === null || Number(m[1]) < 1) throw new Error(`--kill-at-events must look like 1:5+20ms@3fa2c1d0b9e8,3:- (start:event line[+ms after it][@digest of the state it left], or - for a kill that did not land), received ${JSON.stringify(text)}`);
    const attempt = Number(m[1]);
    if (out.some((x) => x.attempt === attempt)) throw new Error(`--kill-at-events names start ${attempt} twice in ${JSON.stringify(text)}`);
    out.push(m[5] === '-' ? { attempt, event: null } : { attempt, event: Number(m[2]), ...(m[3] === undefined || Number(m[3]) === 0 ? {} : { afterMs: Number(m[3]) }), ...(m[4] === undefined ? {} : { state: m[4] }) });
  }
  return out;
}

/** `2:checkpoint-28000,4:sub%2Fcheckpoint-9` (file names URI-encoded: a SUT names its files). */
export function formatCorruptFiles(c: readonly CorruptedFile[]): string {
  return [...c].sort((a, b) => a.attempt - b.attempt).map((x) => `${x.attempt}:${encodeURIComponent(x.file)}`).join(',');
}

/** Parses formatCorruptFiles' form; throws a message naming the flag. */
export function parseCorruptFiles(text: string): CorruptedFile[] {
  const out: CorruptedFile[] = [];
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const m = /^(\d+):(.+)$/.exec(part.trim());
    let file: string | null = null;
    try {
      file = m === null ? null : decodeURIComponent(m[2]!);
    } catch {
      file = null;
    }
    if (m === null || Number(m[1]) < 2 || file === null || file === '') throw new Error(`--corrupt-files must look like 2:checkpoint-28000,4:checkpoint-9000 (start:file struck before it, URI-encoded), received ${JSON.stringify(text)}`);
    const attempt = Number(m[1]);
    if (out.some((x) => x.attempt === attempt)) throw new Error(`--corrupt-files names start ${attempt} twice in ${JSON.stringify(text)}`);
    out.push({ attempt, file });
  }
  return out;
}

/** The files a case's corruptions struck, from its faulty run's fault records. */
export function corruptFilesOf(faults: readonly { attempt: number; kind: string; injected: boolean; file?: string | null }[]): CorruptedFile[] {
  return faults.flatMap((f) => (f.kind === 'corrupt-checkpoint' && f.injected && typeof f.file === 'string' && f.file !== '' ? [{ attempt: f.attempt, file: f.file }] : []));
}

export function replayLine(s: ReplaySpec): string {
  const parts = ['npx streamcheck replay'];
  if (s.manifestFile !== null) parts.push(`--sut ${quote(s.manifestFile)}`);
  if (s.level !== null && /^L\d$/.test(s.level)) parts.push(`--level ${s.level}`);
  parts.push(`--scenario ${quote(s.scenario)}`, `--seed ${s.seed}`, `--path ${JSON.stringify(s.path)}`);
  if (s.bounds !== null) parts.push(`--run-timeout ${s.bounds.runTimeoutMs}ms`, `--case-timeout ${s.bounds.caseTimeoutMs}ms`, `--restarts-max ${s.bounds.restartsMax}`);
  if (s.serve === false) parts.push('--no-serve');
  if (s.killAtEvents.length > 0) parts.push(`--kill-at-events ${formatKillAtEvents(s.killAtEvents)}`);
  if (s.crashStatesDir != null && s.killAtEvents.some((k) => k.state !== undefined)) parts.push(`--crash-states ${quote(s.crashStatesDir)}`);
  if ((s.corruptFiles ?? []).length > 0) parts.push(`--corrupt-files ${quote(formatCorruptFiles(s.corruptFiles!))}`);
  return parts.join(' ');
}

/** Where a case's timed kills landed, from its faulty run's fault records (timeline entries or stored rows). */
export function killAtEventsOf(faults: readonly { attempt: number; kind: string; injected: boolean; eventLines?: number | null; afterMs?: number | null; event?: number | null; state?: string | null }[]): KillAtEvent[] {
  // The milliseconds a recorded kill struck after its last line measure how busy the machine was as
  // much as the SUT's progress, so they are only where a replay's first try strikes; the state digest
  // is what the replay must reproduce (kill-at-event-fault.ts tries other delays until it does).
  const extra = (f: { afterMs?: number | null; state?: string | null }): Partial<KillAtEvent> => ({ ...(typeof f.afterMs === 'number' && f.afterMs > 0 ? { afterMs: Math.round(f.afterMs) } : {}), ...(typeof f.state === 'string' ? { state: f.state } : {}) });
  return faults.flatMap((f): KillAtEvent[] => {
    if (f.kind === 'kill-after') return [f.injected && typeof f.eventLines === 'number' ? { attempt: f.attempt, event: f.eventLines, ...extra(f) } : { attempt: f.attempt, event: null }];
    if (f.kind === 'kill-at-event') return [f.event == null ? { attempt: f.attempt, event: null } : { attempt: f.attempt, event: f.event, ...extra(f) }];
    return [];
  });
}
