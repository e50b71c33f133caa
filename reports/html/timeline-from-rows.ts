// A case's timeline from its stored rows: each run on its own clock (milliseconds since that run
// began), starts and exits reconstructed from process durations (attempt-spans.ts), events and
// faults at their stored times.

import { attemptSpans } from './attempt-spans.js';
import type { CaseRows } from './case-rows.js';
import type { TimelineMark, TimelineRun } from './timeline-mark.js';

/** Faults applied between starts rather than during one. */
const BEFORE_START_KINDS = new Set(['wipe-scratch', 'corrupt-checkpoint']);

export function timelineFromRows(rows: CaseRows): TimelineMark[] {
  const marks: TimelineMark[] = [];
  for (const run of ['failure-free', 'faulty'] as const satisfies readonly TimelineRun[]) {
    const exits = rows.exits.filter((e) => e.run === run);
    const faults = rows.faults.filter((f) => f.run === run);
    const events = rows.events.filter((e) => e.run === run);
    const attempts = [...new Set([...exits.map((e) => e.attempt), ...faults.map((f) => f.attempt), ...events.map((e) => e.attempt)])];
    const spans = attemptSpans(
      attempts.map((attempt) => {
        const lines = events.filter((e) => e.attempt === attempt).map((e) => e.atMs);
        const before = faults.filter((f) => f.attempt === attempt && BEFORE_START_KINDS.has(f.kind) && f.atMs !== null).map((f) => f.atMs!);
        return {
          attempt,
          durationMs: exits.find((e) => e.attempt === attempt)?.durationMs ?? null,
          beforeStartMs: before.length === 0 ? null : Math.max(...before),
          firstLineMs: lines.length === 0 ? null : Math.min(...lines),
        };
      }),
    );
    for (const s of spans) {
      marks.push({ type: 'start', atMs: s.startMs, run, attempt: s.attempt, derived: true });
      const exit = exits.find((e) => e.attempt === s.attempt);
      if (exit !== undefined && s.exitMs !== null) {
        const how = exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.exitCode ?? 'none'}`;
        marks.push({ type: 'exit', atMs: s.exitMs, run, attempt: s.attempt, derived: true, exitType: exit.type, detail: `${exit.type} (${how}) after ${exit.durationMs} ms` });
      }
    }
    for (const e of events) {
      if (e.kind === 'event') marks.push({ type: 'event', atMs: e.atMs, run, attempt: e.attempt, name: e.name ?? '(unnamed)', detail: e.json });
      else marks.push({ type: 'garbage', atMs: e.atMs, run, attempt: e.attempt, detail: e.json });
    }
    for (const f of faults) {
      const span = spans.find((s) => s.attempt === f.attempt);
      // A fault that never fired has no time; it is drawn where its start ended.
      const atMs = f.atMs ?? span?.exitMs ?? span?.startMs ?? 0;
      marks.push({ type: 'fault', atMs, run, attempt: f.attempt, kind: f.kind, injected: f.injected, detail: f.faultJson });
    }
  }
  return marks;
}
