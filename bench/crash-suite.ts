// Crash-suite throughput: verified crash cases per second on all cores for the default suite, and
// where the CPU goes. The suite runs in this process (runSuite, as `streamcheck run` does), so the
// harness's CPU is this process's and the SUT's is that of its reaped children (/proc/self/stat
// cutime + cstime). Three designs are measured in alternation within one run, each on the same
// cases (same seed): the engine command started for every run, as before this benchmark's issue;
// the same from the V8 startup snapshot; and the snapshot in serve mode (PROTOCOL.md §9), the default.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { loadManifest, validateManifest, type LoadedManifest } from '../harness/protocol/manifest.js';
import { DEFAULT_RUN_BOUNDS } from '../harness/run/run-bounds.js';
import { runSuite } from '../harness/run/run-suite.js';
import type { Benchmark, BenchContext, BenchResult } from './benchmark.js';
import { childrenCpuMs, freshDir } from './measure.js';
import { profileHarness, type HarnessProfile } from './harness-profile.js';
import { summarize, type Summary } from './stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MANIFEST = path.join(ROOT, 'harness/protocol/reference-engine.manifest.json');
const TARGET_CASES_PER_S = 10;
const SUITE_SEED = 6;
/** The suite's level, fixed so the figure stays comparable across sessions: L4, the default suite's
 *  level before L5 (storage crash states, measured by storage-crash-states.ts) existed. */
const SUITE_LEVEL = 'L4' as const;

type Design = 'command per run' | 'snapshot per run' | 'snapshot + serve';
const DESIGNS: readonly Design[] = ['command per run', 'snapshot per run', 'snapshot + serve'];

/** The reference manifest for a design: the plain command, or the snapshot one (with or without serve). */
function manifestFor(design: Design): { sut: LoadedManifest; serve: boolean } {
  const reference = loadManifest(MANIFEST);
  switch (design) {
    case 'command per run': {
      const { serve: _serve, ...rest } = reference.manifest;
      return { sut: { ...validateManifest({ ...rest, command: ['node', 'dist/reference/cli/engine.js'] }, MANIFEST, path.dirname(MANIFEST)), file: MANIFEST }, serve: false };
    }
    case 'snapshot per run':
      return { sut: reference, serve: false };
    case 'snapshot + serve':
      return { sut: reference, serve: true };
    default:
      throw new Error(`unknown design ${JSON.stringify(design satisfies never)}`);
  }
}

interface SuiteFigures {
  design: Design;
  cases: number;
  failed: number;
  wallMs: number;
  harnessCpuMs: number;
  sutCpuMs: number;
  /** SUT processes started (serve: by the pool; per run: one per run). */
  processes: number;
  runs: number;
}

async function runSuiteOnce(ctx: BenchContext, design: Design, cases: number, workers: number, seed = SUITE_SEED): Promise<SuiteFigures> {
  const dir = freshDir(ctx.scratch, 'suite');
  const { sut, serve } = manifestFor(design);
  try {
    const cpu0 = process.cpuUsage();
    const children0 = childrenCpuMs();
    const t0 = process.hrtime.bigint();
    const r = await runSuite({ sut, manifestFile: MANIFEST, scenarios: [], cases, seed, workers, dbFile: path.join(dir, 'suite.sqlite'), timeBudgetMs: null, bounds: DEFAULT_RUN_BOUNDS, shrink: false, shrinkBudgetMs: 0, serve, level: SUITE_LEVEL });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const sutCpuMs = childrenCpuMs() - children0;
    const runs = r.processes?.runs ?? countRuns(r.dbFile);
    return { design, cases: r.casesRun, failed: r.counts.fail + r.counts.unknown, wallMs, harnessCpuMs: (cpu.user + cpu.system) / 1000, sutCpuMs, processes: r.processes?.processesStarted ?? runs, runs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs of a suite without a pool: one process each, one process_exits row each. */
function countRuns(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM process_exits').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * CPU ms of one process that starts and ends without running anything: node with this process's
 * environment and with the manifest's env over it (which empties NODE_EXTRA_CA_CERTS: see PROTOCOL.md §1),
 * the serving engine and the plain engine command as the suite starts them (the manifest's env).
 */
function startCpuMs(reps: number): { node: Summary; nodeManifestEnv: Summary; servingEngine: Summary; plainEngineHelp: Summary } {
  const manifest = loadManifest(MANIFEST).manifest;
  const manifestEnv = { ...process.env, ...manifest.env };
  const cpuOf = (args: string[], env: NodeJS.ProcessEnv): number => {
    const before = childrenCpuMs();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status ?? r.signal}: ${String(r.stderr).slice(-300)}`);
    return childrenCpuMs() - before;
  };
  const serve = manifest.serve!.command.slice(1);
  const node: number[] = [];
  const nodeManifestEnv: number[] = [];
  const serving: number[] = [];
  const help: number[] = [];
  for (let i = 0; i < reps; i++) {
    node.push(cpuOf(['-e', '0'], process.env));
    nodeManifestEnv.push(cpuOf(['-e', '0'], manifestEnv));
    serving.push(cpuOf(serve, manifestEnv));
    help.push(cpuOf(['dist/reference/cli/engine.js', '--help'], manifestEnv));
  }
  return { node: summarize(node), nodeManifestEnv: summarize(nodeManifestEnv), servingEngine: summarize(serving), plainEngineHelp: summarize(help) };
}

const perCase = (ms: number, s: SuiteFigures) => ms / s.cases;
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)}%`;

export const crashSuite: Benchmark = {
  name: 'crash-suite',
  async run(ctx): Promise<BenchResult> {
    const workers = os.availableParallelism();
    const cases = ctx.quick ? 6 : 40;
    const reps = ctx.quick ? 1 : 3;
    const starts = startCpuMs(ctx.quick ? 3 : 15);
    ctx.log(`  process start CPU: node ${starts.node.median.toFixed(0)} ms (${starts.nodeManifestEnv.median.toFixed(0)} ms with the manifest's env), serving engine (snapshot) ${starts.servingEngine.median.toFixed(0)} ms, plain engine --help ${starts.plainEngineHelp.median.toFixed(0)} ms`);
    const suites: SuiteFigures[] = [];
    for (let rep = 0; rep < reps; rep++) {
      for (const design of DESIGNS) {
        const s = await runSuiteOnce(ctx, design, cases, workers);
        suites.push(s);
        ctx.log(`  ${design}: ${s.cases} cases in ${(s.wallMs / 1000).toFixed(1)} s = ${((s.cases / s.wallMs) * 1000).toFixed(2)} cases/s; CPU a case: harness ${perCase(s.harnessCpuMs, s).toFixed(0)} ms, SUT ${perCase(s.sutCpuMs, s).toFixed(0)} ms; ${s.processes} processes for ${s.runs} runs`);
        if (s.failed > 0) throw new Error(`crash-suite: ${s.failed} of ${s.cases} cases did not pass under "${design}": the figures would not be of verified cases`);
      }
    }
    // One more suite of the default design, on other cases, under V8's profiler: how the harness's CPU
    // splits over its parts (the profiler's own cost makes this suite's rate no figure).
    const profiled: HarnessProfile<SuiteFigures> = await profileHarness(() => runSuiteOnce(ctx, 'snapshot + serve', cases, workers, SUITE_SEED + 1));
    ctx.log(`  harness profile: ${Object.entries(profiled.shares).map(([part, share]) => `${part} ${(share * 100).toFixed(0)}%`).join(', ')}`);
    const of = (d: Design) => suites.filter((s) => s.design === d);
    const rate = (d: Design) => summarize(of(d).map((s) => (s.cases / s.wallMs) * 1000));
    const med = (d: Design, f: (s: SuiteFigures) => number) => summarize(of(d).map(f)).median;
    const rows = DESIGNS.map((d) => ({
      design: d,
      casesPerS: rate(d),
      harnessCpuMsPerCase: summarize(of(d).map((s) => perCase(s.harnessCpuMs, s))),
      sutCpuMsPerCase: summarize(of(d).map((s) => perCase(s.sutCpuMs, s))),
      processesPerCase: med(d, (s) => s.processes / s.cases),
      runsPerCase: med(d, (s) => s.runs / s.cases),
      suites: of(d),
    }));
    const best = rate('snapshot + serve');
    // Where the CPU of the default design goes, per case (medians of its suites).
    const d: Design = 'snapshot + serve';
    const processes = med(d, (s) => s.processes / s.cases);
    const startMs = processes * starts.servingEngine.median;
    const sutMs = med(d, (s) => perCase(s.sutCpuMs, s));
    const harnessMs = med(d, (s) => perCase(s.harnessCpuMs, s));
    const wallCoreMs = med(d, (s) => (s.wallMs * workers) / s.cases);
    const parts = [
      ['SUT process start-up and exit (processes a case × CPU of an idle serving engine)', startMs],
      ['SUT runs (SUT CPU − start-up)', Math.max(0, sutMs - startMs)],
      ['harness (this process), of which:', harnessMs],
      ...Object.entries(profiled.shares).map(([part, share]) => [`— ${part}`, share * harnessMs] as const),
      ['cores not busy (wall × cores − CPU)', Math.max(0, wallCoreMs - sutMs - harnessMs)],
    ] as const satisfies readonly (readonly [string, number])[];
    const floor = processes * starts.nodeManifestEnv.median;
    return {
      name: 'crash-suite',
      title: 'Crash-suite throughput',
      method: `The suite at level L4 (every scenario; the default suite's level before L5, kept so the figure stays comparable) of ${cases} cases, seed ${SUITE_SEED}, ${workers} workers (all cores), no shrinking, run in this process as \`streamcheck run\` runs it, ${reps} times for each design in alternation; verified (passing) cases per wall second, and CPU per case of the harness (this process) and of the SUT processes (reaped children). Designs: the engine command started for every run (node dist/reference/cli/engine.js: what the suite did before), the same from the V8 startup snapshot, and the snapshot in serve mode (PROTOCOL.md §9; the default).`,
      rows: [{ startCpuMs: starts, designs: rows, harnessProfile: { shares: profiled.shares, processCpuMs: profiled.processCpuMs, mainThreadCpuMs: profiled.mainThreadCpuMs, cases: profiled.result.cases } }],
      table: {
        header: ['design', 'cases/s median (min–max)', 'harness CPU ms a case', 'SUT CPU ms a case', 'SUT processes a case', 'runs a case'],
        rows: [
          ...rows.map((r) => [r.design, `${r.casesPerS.median.toFixed(2)} (${r.casesPerS.min.toFixed(2)}–${r.casesPerS.max.toFixed(2)})`, r.harnessCpuMsPerCase.median.toFixed(0), r.sutCpuMsPerCase.median.toFixed(0), r.processesPerCase.toFixed(2), r.runsPerCase.toFixed(2)]),
          ['**where a case\'s time goes, snapshot + serve**', 'CPU-ms a case', '', '', '', ''],
          ...parts.map(([what, ms]) => [what, ms.toFixed(0), pct(ms, wallCoreMs), '', '', '']),
        ],
      },
      targets: [{ what: `verified crash cases per second on ${workers} cores (snapshot + serve)`, target: `>= ${TARGET_CASES_PER_S}`, measured: `${best.median.toFixed(2)} (${best.min.toFixed(2)}–${best.max.toFixed(2)})`, met: best.median >= TARGET_CASES_PER_S }],
      notes: [
        `Speed-up over a command per run: ${(best.median / rate('command per run').median).toFixed(1)}× (snapshot alone ${(rate('snapshot per run').median / rate('command per run').median).toFixed(1)}×).`,
        `Process start CPU, median of ${ctx.quick ? 3 : 15}: bare node ${starts.node.median.toFixed(0)} ms (${starts.node.min.toFixed(0)}–${starts.node.max.toFixed(0)}) with this machine's environment${process.env.NODE_EXTRA_CA_CERTS ? ` (NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS})` : ''}, ${starts.nodeManifestEnv.median.toFixed(0)} ms with the manifest's env (NODE_EXTRA_CA_CERTS emptied: the engine opens no TLS connection); as the suite starts them: the serving engine from its snapshot, started and ended idle, ${starts.servingEngine.median.toFixed(0)} ms, the plain engine command's --help ${starts.plainEngineHelp.median.toFixed(0)} ms.`,
        `A case ends ${processes.toFixed(2)} SUT processes on average (every crash point and timed kill is the death of a real process, and the next start needs a new one), so even with free runs and a free harness the process starts alone cost ${floor.toFixed(0)} CPU-ms a case at bare node's start-up (with the manifest's env): at most ${((workers * 1000) / floor).toFixed(1)} cases/s on ${workers} cores.`,
        `The harness's split comes from one more suite of ${profiled.result.cases} other cases (seed ${SUITE_SEED + 1}) under V8's sampling profiler (bench/harness-profile.ts): each main-thread sample is charged to the innermost part of the harness on its stack, the shares are scaled by the main thread's part of the process's CPU (${((100 * profiled.mainThreadCpuMs) / profiled.processCpuMs).toFixed(0)}%), and the rest is V8's helper threads; applied to the median harness CPU a case above.`,
      ],
    };
  },
};
