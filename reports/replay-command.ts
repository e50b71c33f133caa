// A replay line rebuilt from stored columns, through the runner's one builder (harness/case/replay-line.ts,
// which imports nothing of the runner): the suite's manifest file, level, run bounds and serve mode from
// its stored options, the case's seed and path, and where its timed kills landed from its fault rows.

import { corruptFilesOf, killAtEventsOf, replayLine } from '../harness/case/replay-line.js';

export interface StoredReplayOptions {
  manifestFile: string | null;
  level: string | null;
  bounds: { runTimeoutMs: number; caseTimeoutMs: number; restartsMax: number } | null;
  serve: boolean | null;
  /** Where the suite kept its failing cases' crash states (null: older suites). */
  crashStatesDir: string | null;
}

/** A suite's options_json, read defensively (older suites stored fewer fields). */
export function storedReplayOptions(options: unknown, manifestFile: string | null): StoredReplayOptions {
  const o = typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
  const b = o['bounds'] as Record<string, unknown> | undefined;
  const bounds = b !== undefined && typeof b === 'object' && b !== null && typeof b['runTimeoutMs'] === 'number' && typeof b['caseTimeoutMs'] === 'number' && typeof b['restartsMax'] === 'number'
    ? { runTimeoutMs: b['runTimeoutMs'], caseTimeoutMs: b['caseTimeoutMs'], restartsMax: b['restartsMax'] }
    : null;
  return { manifestFile, level: typeof o['level'] === 'string' ? o['level'] : null, bounds, serve: typeof o['serve'] === 'boolean' ? o['serve'] : null, crashStatesDir: typeof o['crashStatesDir'] === 'string' ? o['crashStatesDir'] : null };
}

/** Fault rows of the case's faulty run: attempt, kind, injected, and the stored fault's JSON. */
export function replayCommand(c: { scenario: string; seed: number; path: string }, o: StoredReplayOptions, faults: readonly { attempt: number; kind: string; injected: boolean; fault: unknown }[] = []): string {
  const rows = faults.map((f) => {
    const j = typeof f.fault === 'object' && f.fault !== null ? (f.fault as Record<string, unknown>) : {};
    return { attempt: f.attempt, kind: f.kind, injected: f.injected, eventLines: typeof j['eventLines'] === 'number' ? j['eventLines'] : null, afterMs: typeof j['afterMs'] === 'number' ? j['afterMs'] : null, event: typeof j['event'] === 'number' ? j['event'] : null, state: f.kind === 'kill-at-event' ? (typeof j['state'] === 'string' ? j['state'] : null) : typeof j['stateDigest'] === 'string' ? j['stateDigest'] : null, file: typeof j['file'] === 'string' ? j['file'] : null };
  });
  return replayLine({ scenario: c.scenario, seed: c.seed, path: c.path, ...o, killAtEvents: killAtEventsOf(rows), corruptFiles: corruptFilesOf(rows) });
}
