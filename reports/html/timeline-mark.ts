// One thing on a case's timeline, in the form the HTML report draws: starts and exits of the SUT,
// its events, lines it printed that were not events, and faults. Built from the stored rows of a
// case (timeline-from-rows.ts) or from a counterexample's stored timeline (timeline-from-json.ts).

export type TimelineRun = 'failure-free' | 'faulty';

export type TimelineMark =
  /** derived: the time was reconstructed from stored durations rather than stored itself. */
  | { type: 'start'; atMs: number; run: TimelineRun; attempt: number; derived: boolean }
  | { type: 'exit'; atMs: number; run: TimelineRun; attempt: number; derived: boolean; exitType: string; detail: string }
  | { type: 'event'; atMs: number; run: TimelineRun; attempt: number; name: string; detail: string }
  | { type: 'garbage'; atMs: number; run: TimelineRun; attempt: number; detail: string }
  | { type: 'fault'; atMs: number; run: TimelineRun; attempt: number; kind: string; injected: boolean; detail: string };
