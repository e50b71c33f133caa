// `streamcheck replay`: re-runs exactly the case a failure line names (scenario, seed, path), keeps
// its directories, and prints the verdict, the minimal input and the timeline of SUT events and
// injected faults on one clock.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DrawnCase } from '../case/case-arbitrary.js';
import { drawnAtPath } from '../case/drawn-at-path.js';
import { scenarioForSut } from '../case/supported-scenarios.js';
import type { LoadedManifest } from '../protocol/manifest.js';
import { processPoolFor } from '../process/process-pool.js';
import { ServiceSet } from '../process/service-set.js';
import { FailureFreeRuns } from '../run/failure-free-runs.js';
import type { RunBounds } from '../run/run-bounds.js';
import { runCase, type CaseResult } from '../run/run-case.js';
import { failureLine } from '../run/run-suite.js';
import type { TimelineEntry } from '../run/timeline.js';
import { describeFault, describeInjectedFault } from '../faults/fault.js';
import { faultProfile, type Level } from '../case/conformance-level.js';
import type { CorruptedFile, KillAtEvent } from '../case/replay-line.js';

export interface ReplayOptions {
  sut: LoadedManifest;
  manifestFile: string;
  scenario: string;
  seed: number;
  path: string;
  /** The conformance level the case was drawn at (its fault kinds). */
  level: Level;
  bounds: RunBounds;
  /** Where the case's directories are kept. */
  keepDir: string;
  /** Run in serving processes when the manifest declares serve, as `streamcheck run` does. */
  serve: boolean;
  /** Where the recorded run's timed kills landed (--kill-at-events): the replay kills there. */
  killAtEvents?: readonly KillAtEvent[];
  /** Where the recorded run kept its timed kills' crash states (--crash-states). */
  crashStatesDir?: string;
  /** The files the recorded run's corruptions struck (--corrupt-files). */
  corruptFiles?: readonly CorruptedFile[];
}

export async function replayCase(o: ReplayOptions): Promise<{ drawn: DrawnCase; result: CaseResult }> {
  const scenario = scenarioForSut(o.scenario, o.sut.manifest);
  const caps = faultProfile(o.level, o.sut.manifest);
  const drawn = drawnAtPath(scenario, caps, o.seed, o.path);
  if (drawn === undefined) throw new Error(`seed ${o.seed} and path ${o.path} name no case of scenario ${o.scenario}`);
  fs.mkdirSync(o.keepDir, { recursive: true });
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-replay-'));
  const failureFree = new FailureFreeRuns(path.join(workRoot, 'failure-free'));
  const pool = o.serve ? processPoolFor(o.sut, 1) : undefined;
  let services: ServiceSet | null = null;
  try {
    services = await ServiceSet.start(o.sut.manifest, o.sut.cwd);
    const result = await runCase({ seed: o.seed, path: o.path, drawn, killAtEvents: o.killAtEvents ?? [], corruptFiles: o.corruptFiles ?? [] }, { sut: o.sut, manifestFile: o.manifestFile, level: o.level, serve: o.serve, failureFree, workRoot: o.keepDir, bounds: o.bounds, pool, keepWorkDir: 'always', storage: caps.powerLoss || caps.syscallCrashes, services: services ?? undefined, ...(o.crashStatesDir === undefined ? {} : { crashStatesDir: o.crashStatesDir, crashStatesWrite: false }) });
    return { drawn, result };
  } finally {
    await pool?.close();
    await services?.stop();
    failureFree.cleanup();
    fs.rmSync(workRoot, { recursive: true, force: true });
  }
}

export function describeTimelineEntry(e: TimelineEntry): string {
  const at = `${String(e.atMs).padStart(6)} ms  ${e.run.padEnd(12)} start ${e.attempt}`;
  switch (e.type) {
    case 'start':
      return `${at}  started`;
    case 'event': {
      const { event, ...rest } = e.event as { event: string } & Record<string, unknown>;
      return `${at}  ${event} ${JSON.stringify(rest)}`;
    }
    case 'garbage':
      return `${at}  garbage on stdout (${e.reason}): ${e.line.slice(0, 120)}`;
    case 'fault':
      return `${at}  FAULT ${describeInjectedFault(e.fault)}${e.injected ? '' : ` (not injected: ${e.detail ?? 'the run ended first, or nothing to corrupt'})`}${e.injected && e.detail !== undefined ? `: ${e.detail}` : ''}`;
    case 'exit':
      return `${at}  exit: ${e.exit.type}${e.exit.exitCode === null ? '' : ` code ${e.exit.exitCode}`}${e.exit.signal === null ? '' : ` ${e.exit.signal}`} after ${e.exit.durationMs} ms`;
    default: {
      const never: never = e;
      return JSON.stringify(never);
    }
  }
}

/** The replay's printout: verdict line, minimal input, fault plan and timeline. */
/** The replay's printout (also printed under each failure of a suite, with the faulty run's
 *  timeline only and a shorter bound). */
export function describeReplay(o: Pick<ReplayOptions, 'scenario' | 'seed' | 'path' | 'level'>, drawn: DrawnCase, r: CaseResult, timelineEventsMax = 400, faultyRunOnly = false): string {
  const c = drawn.scenarioCase;
  const lines: string[] = [];
  lines.push(r.verdict.verdict === 'fail' ? failureLine(o.scenario, o.seed, o.path, r) : `${r.verdict.verdict.toUpperCase()} scenario=${o.scenario} seed=${o.seed} path=${o.path}`);
  lines.push(`replay: ${r.replayLine}`);
  if (r.workDir !== null) lines.push(`directories kept in ${r.workDir}`);
  lines.push('', `configuration: ${JSON.stringify(c.config)}`, `program: ${JSON.stringify(c.program)}`);
  lines.push(`input (endTimeMs ${c.input.endTimeMs}):`);
  for (const [name, records] of Object.entries(c.input.streams)) {
    lines.push(`  ${name}: ${records.length} records: ${records.map((x) => `${x.offset}@${x.arrivalMs}=${JSON.stringify(x.value)}`).join(' ')}`);
  }
  lines.push(`fault plan (level ${o.level}): ${r.plan.faults.map(describeFault).join('; ') || 'none'}${(r.plan.wipeScratchBefore ?? []).length > 0 ? `; scratch wiped before start ${r.plan.wipeScratchBefore!.join(', ')}` : ''}${(r.plan.corruptCheckpointBefore ?? []).map((c) => `; newest metadata checkpoint ${c.how === 'truncate' ? 'truncated' : 'bit-flipped'} before start ${c.attempt}`).join('')}`);
  // Where each replayed timed kill landed, and whether it left the recorded crash state: above the
  // timeline, which a long run cuts off.
  for (const e of r.timeline) {
    if (e.type === 'fault' && e.run === 'faulty' && e.fault.kind === 'kill-at-event' && e.fault.event !== null) lines.push(`  start ${e.attempt}: ${e.injected ? (e.detail ?? 'killed') : `not injected: ${e.detail ?? 'the start ended first'}`}`);
  }
  lines.push('', 'timeline (SUT events and injected faults on one clock):');
  const shown = faultyRunOnly ? r.timeline.filter((e) => e.run === 'faulty') : r.timeline;
  for (const e of shown.slice(0, timelineEventsMax)) lines.push(`  ${describeTimelineEntry(e)}`);
  if (shown.length > timelineEventsMax) lines.push(`  ... ${shown.length - timelineEventsMax} more entries`);
  for (const res of r.verdict.results) {
    lines.push(`check ${res.checker}: ${res.type}${res.type === 'fail' ? `: ${res.anomaly.message}` : res.type === 'unknown' ? `: ${res.error}` : ''}`);
  }
  return lines.join('\n');
}
