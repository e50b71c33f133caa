// Crash-suite throughput: verified crash cases per second on all cores for the default suite, and
// where the time goes. The suite's own SQLite store has each case's wall time, its failure-free and
// faulty run times and every SUT process's duration; process start-up is measured beside it.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Benchmark, BenchContext, BenchResult } from './benchmark.js';
import { ENGINE_COMMAND } from './engine-throughput.js';
import { freshDir } from './measure.js';
import { summarize, type Summary } from './stats.js';

const STREAMCHECK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../harness/cli/streamcheck.js');
const TARGET_CASES_PER_S = 10;
const SUITE_SEED = 6;

function wallOf(command: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, command, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${command.join(' ')} exited with ${r.status ?? r.signal}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Wall ms of node itself, of the engine command's --help, and of a one-batch engine run. */
function startCosts(ctx: BenchContext, reps: number): Record<'node' | 'engineHelp' | 'engineTrivialRun', Summary> {
  const dir = freshDir(ctx.scratch, 'start');
  const program = path.join(dir, 'program.json');
  const input = path.join(dir, 'input.json');
  fs.writeFileSync(program, JSON.stringify({ format: 'streamcheck-program', version: 1, batchIntervalMs: 100, inputs: [{ name: 'in', type: 'string' }], operations: [{ id: 'out', op: 'output', from: 'in' }] }));
  fs.writeFileSync(input, JSON.stringify({ format: 'streamcheck-input', version: 1, endTimeMs: 100, streams: { in: [{ offset: 0, arrivalMs: 1, value: 'a' }] } }));
  const node: number[] = [];
  const help: number[] = [];
  const run: number[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      node.push(wallOf(['-e', '0']));
      help.push(wallOf([ENGINE_COMMAND, '--help']));
      run.push(wallOf([ENGINE_COMMAND, '--program', program, '--input', input, '--checkpoint-dir', path.join(dir, `cp${i}`), '--output-dir', path.join(dir, `out${i}`), '--events', 'none']));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { node: summarize(node), engineHelp: summarize(help), engineTrivialRun: summarize(run) };
}

interface SuiteFigures {
  cases: number;
  wallMs: number;
  workers: number;
  processStarts: number;
  processMs: number;
  caseWallMs: number;
  failureFreeMs: number;
  failureFreeRuns: number;
  faultyMs: number;
  eventRows: number;
}

function runSuiteOnce(ctx: BenchContext, cases: number, workers: number): SuiteFigures {
  const dir = freshDir(ctx.scratch, 'suite');
  const db = path.join(dir, 'suite.sqlite');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [STREAMCHECK, 'run', '--cases', String(cases), '--seed', String(SUITE_SEED), '--workers', String(workers), '--db', db, '--no-shrink', '--report', path.join(dir, 'report.md')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`streamcheck run exited with ${r.status ?? r.signal}: ${(r.stderr || r.stdout).slice(-600)}`);
    const store = new Database(db, { readonly: true });
    try {
      const c = store.prepare(`SELECT count(*) AS n, sum(julianday(finished_at) - julianday(started_at)) * 86400000 AS wall, sum(CASE WHEN failure_free_reused = 0 THEN failure_free_ms ELSE 0 END) AS ff, sum(1 - failure_free_reused) AS ffRuns, sum(faulty_ms) AS faulty FROM cases WHERE role = 'case'`).get() as { n: number; wall: number; ff: number; ffRuns: number; faulty: number };
      const p = store.prepare('SELECT count(*) AS n, sum(duration_ms) AS ms FROM process_exits').get() as { n: number; ms: number };
      const e = store.prepare('SELECT count(*) AS n FROM events').get() as { n: number };
      return { cases: c.n, wallMs, workers, processStarts: p.n, processMs: p.ms, caseWallMs: c.wall, failureFreeMs: c.ff, failureFreeRuns: c.ffRuns, faultyMs: c.faulty, eventRows: e.n };
    } finally {
      store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)}%`;

export const crashSuite: Benchmark = {
  name: 'crash-suite',
  async run(ctx): Promise<BenchResult> {
    const workers = os.availableParallelism();
    const cases = ctx.quick ? 6 : 30;
    const suiteRuns = ctx.quick ? 1 : 3;
    const starts = startCosts(ctx, ctx.quick ? 2 : 7);
    ctx.log(`  process start: node ${starts.node.median.toFixed(0)} ms, engine --help ${starts.engineHelp.median.toFixed(0)} ms, one-batch engine run ${starts.engineTrivialRun.median.toFixed(0)} ms`);
    const suites: SuiteFigures[] = [];
    for (let i = 0; i < suiteRuns; i++) {
      const s = runSuiteOnce(ctx, cases, workers);
      suites.push(s);
      ctx.log(`  suite ${i + 1}: ${s.cases} cases in ${(s.wallMs / 1000).toFixed(1)} s = ${((s.cases / s.wallMs) * 1000).toFixed(2)} cases/s, ${s.processStarts} SUT processes`);
    }
    const rate = summarize(suites.map((s) => (s.cases / s.wallMs) * 1000));
    // Where the time goes, in worker-milliseconds, for the median suite by rate.
    const s = [...suites].sort((a, b) => a.cases / a.wallMs - b.cases / b.wallMs)[Math.floor(suites.length / 2)]!;
    const budget = s.wallMs * s.workers;
    const startMs = s.processStarts * starts.engineTrivialRun.median;
    const sutWork = Math.max(0, s.processMs - startMs);
    const harness = s.caseWallMs - s.processMs;
    const idle = budget - s.caseWallMs;
    const breakdown = [
      ['SUT process starts (start count × one-batch engine run)', startMs],
      ['SUT work beyond start-up (process durations − starts)', sutWork],
      ['harness in the case: drawing, waiting on exits, checking, SQLite writes, directory copies', harness],
      ['outside cases: suite start-up, report, workers idle at the end', idle],
    ] as const;
    return {
      name: 'crash-suite',
      title: 'Crash-suite throughput',
      method: `streamcheck run --cases ${cases} --seed ${SUITE_SEED} --workers ${workers} (all cores) --no-shrink against the reference engine, ${suiteRuns} times; verified cases per wall second. The breakdown splits the workers' time (wall × workers) of the median suite using the suite's SQLite store (cases, process_exits) and the measured start-up of the engine command.`,
      rows: [{ startCosts: starts, suites, rate }],
      table: {
        header: ['part', 'worker-ms', 'share'],
        rows: [
          ...breakdown.map(([what, ms]) => [what, ms.toFixed(0), pct(ms, budget)]),
          ['total (wall × workers)', budget.toFixed(0), '100%'],
        ],
      },
      targets: [{ what: `verified crash cases per second on ${workers} cores`, target: `>= ${TARGET_CASES_PER_S}`, measured: `${rate.median.toFixed(2)} (${rate.min.toFixed(2)}–${rate.max.toFixed(2)})`, met: rate.median >= TARGET_CASES_PER_S }],
      notes: [
        `Process start: bare node ${starts.node.median.toFixed(0)} ms (${starts.node.min.toFixed(0)}–${starts.node.max.toFixed(0)}), engine --help ${starts.engineHelp.median.toFixed(0)} ms (${starts.engineHelp.min.toFixed(0)}–${starts.engineHelp.max.toFixed(0)}), one-batch engine run ${starts.engineTrivialRun.median.toFixed(0)} ms (${starts.engineTrivialRun.min.toFixed(0)}–${starts.engineTrivialRun.max.toFixed(0)}).`,
        `Median suite: ${s.cases} cases, ${s.processStarts} SUT processes (${(s.processStarts / s.cases).toFixed(1)} a case: ${s.failureFreeRuns} failure-free runs, the rest faulty attempts), ${s.eventRows} event rows in SQLite.`,
      ],
    };
  },
};
