// A timeline stored as JSON with a counterexample (harness/run/timeline.ts's entries, with exact
// start and exit times), read defensively: an entry of an unknown shape is skipped and counted, as
// a report must draw whatever an older or newer harness stored.

import type { TimelineMark, TimelineRun } from './timeline-mark.js';

export function timelineFromJson(text: string): { marks: TimelineMark[]; skipped: number } {
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    return { marks: [], skipped: 1 };
  }
  if (!Array.isArray(entries)) return { marks: [], skipped: 1 };
  const marks: TimelineMark[] = [];
  let skipped = 0;
  for (const e of entries) {
    const mark = markOf(e);
    if (mark === null) skipped += 1;
    else marks.push(mark);
  }
  return { marks, skipped };
}

function markOf(e: unknown): TimelineMark | null {
  if (typeof e !== 'object' || e === null) return null;
  const x = e as Record<string, unknown>;
  const run: TimelineRun | null = x['run'] === 'failure-free' || x['run'] === 'faulty' ? x['run'] : null;
  if (run === null || typeof x['atMs'] !== 'number' || typeof x['attempt'] !== 'number') return null;
  const at = { atMs: x['atMs'], run, attempt: x['attempt'] };
  switch (x['type']) {
    case 'start':
      return { type: 'start', ...at, derived: false };
    case 'exit': {
      const exit = (typeof x['exit'] === 'object' && x['exit'] !== null ? x['exit'] : {}) as Record<string, unknown>;
      const exitType = typeof exit['type'] === 'string' ? exit['type'] : 'unknown';
      const how = typeof exit['signal'] === 'string' ? `signal ${exit['signal']}` : `exit code ${String(exit['exitCode'] ?? 'none')}`;
      return { type: 'exit', ...at, derived: false, exitType, detail: `${exitType} (${how})${typeof exit['durationMs'] === 'number' ? ` after ${exit['durationMs']} ms` : ''}` };
    }
    case 'event': {
      const event = x['event'] as Record<string, unknown> | undefined;
      const name = typeof event?.['event'] === 'string' ? event['event'] : '(unnamed)';
      return { type: 'event', ...at, name, detail: JSON.stringify(event) ?? '' };
    }
    case 'garbage':
      return { type: 'garbage', ...at, detail: JSON.stringify({ line: x['line'], reason: x['reason'] }) };
    case 'fault': {
      const fault = x['fault'] as Record<string, unknown> | undefined;
      return { type: 'fault', ...at, kind: typeof fault?.['kind'] === 'string' ? fault['kind'] : 'unknown', injected: x['injected'] === true, detail: JSON.stringify(fault) ?? '' };
    }
    default:
      return null;
  }
}
