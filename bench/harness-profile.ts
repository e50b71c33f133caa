// Where the harness's own CPU goes during a suite. V8's sampling profiler watches this process's main
// thread while the suite runs; each sample (counted, not weighed by its time delta) is charged to the innermost frame on its stack that belongs
// to a known part of the harness (a frame in scenarios/model/ inside the judge is model work, not
// checking). The main thread's CPU (/proc/self/task/<pid>/stat) is split by those shares; the rest of
// the process's CPU is V8's helper threads (the optimising compiler, concurrent GC).

import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';

export const HARNESS_PARTS = [
  'checking (judge and checkers)',
  'independent model (expected outputs)',
  'SQLite (store)',
  'spawning SUT processes',
  'pipes to SUT processes (events, run requests)',
  'files (work directories, output files)',
  'drawing cases (fast-check, scenarios)',
  'garbage collection (main thread)',
  'other (orchestration, event loop)',
] as const;
export type HarnessPart = (typeof HARNESS_PARTS)[number];

/** Innermost match wins; patterns are tried in this order against a frame's script URL. */
const PART_PATTERNS: readonly [HarnessPart, RegExp][] = [
  ['independent model (expected outputs)', /\/scenarios\/model\//],
  ['checking (judge and checkers)', /\/harness\/check\//],
  ['SQLite (store)', /\/harness\/store\/|better-sqlite3/],
  ['spawning SUT processes', /\/execa\/|^node:(internal\/)?child_process|\/harness\/process\/process-group/],
  ['pipes to SUT processes (events, run requests)', /\/harness\/protocol\/event-line|^node:(internal\/)?readline|^node:internal\/streams|^node:net|^node:internal\/stream_base_commons|\/harness\/process\//],
  ['files (work directories, output files)', /^node:(internal\/)?fs|\/harness\/run\/run-dirs/],
  ['drawing cases (fast-check, scenarios)', /\/fast-check\/|\/harness\/case\/|\/scenarios\//],
];

const PROFILE_INTERVAL_US = 500;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** CPU milliseconds of this process's main thread so far (its task's utime + stime). */
function mainThreadCpuMs(): number {
  const fields = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // Fields 14 and 15 of proc(5) (utime, stime), counted from the state field (3) after ") ".
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function partOf(node: ProfileNode, parent: Map<number, ProfileNode>): HarnessPart {
  if (node.callFrame.functionName === '(garbage collector)') return 'garbage collection (main thread)';
  for (let n: ProfileNode | undefined = node; n !== undefined; n = parent.get(n.id)) {
    const url = n.callFrame.url;
    if (url === '') continue;
    for (const [part, pattern] of PART_PATTERNS) if (pattern.test(url)) return part;
  }
  return 'other (orchestration, event loop)';
}

export interface HarnessProfile<T> {
  result: T;
  /** Share of the process's CPU (user + system) for each part, the helper threads included; sums to 1. */
  shares: Record<HarnessPart | 'V8 helper threads (optimising compiler, GC)', number>;
  processCpuMs: number;
  mainThreadCpuMs: number;
}

/** Runs fn under V8's CPU profiler and splits this process's CPU over the harness's parts. */
export async function profileHarness<T>(fn: () => Promise<T>): Promise<HarnessProfile<T>> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: PROFILE_INTERVAL_US });
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuMs();
    await session.post('Profiler.start');
    const result = await fn();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[]; samples: number[] } };
    const main = mainThreadCpuMs() - main0;
    const cpu = process.cpuUsage(cpu0);
    const processCpuMs = (cpu.user + cpu.system) / 1000;

    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, ProfileNode>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
    // Samples are counted, not weighed by their time deltas: the profiler samples by the wall clock, and
    // a main thread that waits for a core (the SUT process a pipe write just woke runs first) is sampled
    // once when it runs again, with a long delta that was no CPU of its own.
    const partSamples = new Map<HarnessPart, number>(HARNESS_PARTS.map((p) => [p, 0]));
    let busySamples = 0;
    for (const id of profile.samples) {
      const node = byId.get(id)!;
      if (node.callFrame.functionName === '(idle)') continue;
      busySamples += 1;
      const part = partOf(node, parent);
      partSamples.set(part, partSamples.get(part)! + 1);
    }
    const mainShare = processCpuMs > 0 ? Math.min(1, main / processCpuMs) : 0;
    const shares = Object.fromEntries([
      ...HARNESS_PARTS.map((p) => [p, busySamples > 0 ? (partSamples.get(p)! / busySamples) * mainShare : 0]),
      ['V8 helper threads (optimising compiler, GC)', 1 - mainShare],
    ]) as HarnessProfile<T>['shares'];
    return { result, shares, processCpuMs, mainThreadCpuMs: main };
  } finally {
    await session.post('Profiler.disable').catch(() => {});
    session.disconnect();
  }
}
