// When each start of a run began and ended on the run's clock. The store keeps every event's and
// fault's time but only each process's duration, so starts are reconstructed: the first at 0, each
// next one when the previous ended (or after a fault applied between them), never after its own
// first event; an exit is its start plus the stored process duration.

export interface AttemptFacts {
  attempt: number;
  /** Stored process duration; null when the start has no exit row (the run was cut off). */
  durationMs: number | null;
  /** Latest time of a fault applied before this start (a scratch wipe, a corruption). */
  beforeStartMs: number | null;
  /** Earliest event or line of this start. */
  firstLineMs: number | null;
}

export interface AttemptSpan {
  attempt: number;
  startMs: number;
  exitMs: number | null;
}

export function attemptSpans(facts: readonly AttemptFacts[]): AttemptSpan[] {
  const spans: AttemptSpan[] = [];
  let previousEnd = 0;
  for (const f of [...facts].sort((a, b) => a.attempt - b.attempt)) {
    let start = Math.max(previousEnd, f.beforeStartMs ?? 0);
    if (f.firstLineMs !== null) start = Math.min(start, f.firstLineMs);
    const exitMs = f.durationMs === null ? null : start + f.durationMs;
    spans.push({ attempt: f.attempt, startMs: start, exitMs });
    previousEnd = exitMs ?? Math.max(start, f.firstLineMs ?? start);
  }
  return spans;
}
