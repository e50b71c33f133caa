// A long suite under load (issue 13): 2000 cases of a small, fast program at L1 in serving processes (the
// fastest suite there is, with a survivor sweep after every case), in this process as `streamcheck run` runs it,
// sampling the harness's memory every LOAD_SAMPLE_EVERY cases. It passes when memory stays flat (the
// last quarter's peak within LOAD_MEMORY_GROWTH_MAX of the second quarter's: the first is warm-up)
// and nothing is left afterwards: no SUT process carrying this harness's marker, no process group
// still tracked, no work root, no kept case directory.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { liveGroupCount, SUT_MARKER_VARIABLE } from '../harness/process/process-group.js';
import { loadManifest } from '../harness/protocol/manifest.js';
import { DEFAULT_RUN_BOUNDS } from '../harness/run/run-bounds.js';
import { runSuite } from '../harness/run/run-suite.js';
import type { Benchmark, BenchContext, BenchResult } from './benchmark.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MANIFEST = path.join(ROOT, 'harness/protocol/reference-engine.manifest.json');
const LOAD_CASES = 2000;
const LOAD_CASES_QUICK = 100;
const LOAD_SAMPLE_EVERY = 25;
/** The last quarter's peak RSS may exceed the second quarter's by this fraction at most. */
const LOAD_MEMORY_GROWTH_MAX = 0.2;

/** Processes carrying this harness's marker (PROTOCOL.md §2): after a suite there must be none. */
function markedProcesses(): number {
  let n = 0;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`, 'latin1').includes(`${SUT_MARKER_VARIABLE}=${process.pid}:`)) n++;
    } catch {
      // gone
    }
  }
  return n;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export const loadSuite: Benchmark = {
  name: 'load-suite',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const cases = ctx.quick ? LOAD_CASES_QUICK : LOAD_CASES;
    const dir = fs.mkdtempSync(path.join(ctx.scratch, 'load-'));
    const workTmp = path.join(dir, 'work');
    fs.mkdirSync(workTmp);
    const before = process.env.STREAMCHECK_TMPDIR;
    process.env.STREAMCHECK_TMPDIR = workTmp;
    const samples: { cases: number; rssBytes: number; heapBytes: number }[] = [];
    let finished = 0;
    const t0 = performance.now();
    const dbFile = path.join(dir, 'load.sqlite');
    try {
      const result = await runSuite(
        {
          sut: loadManifest(MANIFEST),
          manifestFile: MANIFEST,
          scenarios: ['word-count'],
          cases,
          seed: 13,
          workers: 2,
          dbFile,
          timeBudgetMs: null,
          bounds: DEFAULT_RUN_BOUNDS,
          shrink: false,
          shrinkBudgetMs: 0,
          // Serve mode, as `streamcheck run` defaults to: the fastest way through 2000 cases on a busy
          // machine; serving processes are still retired and replaced (RUNS_PER_PROCESS_MAX), and every
          // case is followed by a survivor sweep of /proc.
          serve: true,
          level: 'L1',
        },
        (e) => {
          if (e.type !== 'case-finished') return;
          finished++;
          if (finished % LOAD_SAMPLE_EVERY === 0) {
            const m = process.memoryUsage();
            samples.push({ cases: finished, rssBytes: m.rss, heapBytes: m.heapUsed });
            ctx.log(`load-suite: ${finished}/${cases} cases, rss ${mib(m.rss)}, heap ${mib(m.heapUsed)}`);
          }
        },
      );
      const wallMs = performance.now() - t0;
      const quarter = (q: number) => samples.filter((s) => s.cases > (cases * q) / 4 && s.cases <= (cases * (q + 1)) / 4);
      const peak = (xs: typeof samples) => Math.max(0, ...xs.map((s) => s.rssBytes));
      const second = peak(quarter(1));
      const last = peak(quarter(3));
      const growth = second === 0 ? 0 : last / second - 1;
      const leftovers = {
        processes: markedProcesses(),
        groups: liveGroupCount(),
        workRoots: fs.readdirSync(workTmp).length,
        keptCases: fs.existsSync(path.join(dir, 'load-cases')) ? fs.readdirSync(path.join(dir, 'load-cases')).length : 0,
      };
      const dbBytes = fs.statSync(dbFile).size + (fs.statSync(`${dbFile}-wal`, { throwIfNoEntry: false })?.size ?? 0);
      const clean = leftovers.processes === 0 && leftovers.groups === 0 && leftovers.workRoots === 0 && leftovers.keptCases === 0;
      return {
        name: 'load-suite',
        title: `Load: ${cases} cases at L1: memory and leftovers`,
        method: `runSuite in this process on the reference engine (serve mode, scenario word-count, 2 workers, level L1), RSS and heap sampled every ${LOAD_SAMPLE_EVERY} cases; afterwards, processes carrying this harness's ${SUT_MARKER_VARIABLE}, tracked process groups, work roots and kept case directories are counted.`,
        rows: [{ cases, casesRun: result.casesRun, counts: result.counts, wallMs, samples, leftovers, dbBytes, survivors: result.survivors.count }],
        table: {
          header: ['Cases', 'Pass / fail / unknown', 'Wall', 'RSS 2nd quarter peak', 'RSS last quarter peak', 'Heap at end', 'Database', 'Left: processes, groups, work roots, kept cases'],
          rows: [
            [
              String(result.casesRun),
              `${result.counts.pass} / ${result.counts.fail} / ${result.counts.unknown}`,
              `${(wallMs / 1000).toFixed(0)} s`,
              mib(second),
              mib(last),
              mib(samples.at(-1)?.heapBytes ?? 0),
              `${mib(dbBytes)} (${(dbBytes / Math.max(1, result.casesRun) / 1024).toFixed(1)} KiB a case)`,
              `${leftovers.processes}, ${leftovers.groups}, ${leftovers.workRoots}, ${leftovers.keptCases}`,
            ],
          ],
        },
        targets: [
          { what: 'memory stays flat (last quarter\'s RSS peak over the second quarter\'s)', target: `at most +${LOAD_MEMORY_GROWTH_MAX * 100}%`, measured: `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%`, met: growth <= LOAD_MEMORY_GROWTH_MAX },
          { what: 'nothing left after the suite', target: '0 processes, groups, work roots, kept cases', measured: `${leftovers.processes}, ${leftovers.groups}, ${leftovers.workRoots}, ${leftovers.keptCases}`, met: clean },
          { what: 'every case passed', target: `${cases}`, measured: `${result.counts.pass}`, met: result.counts.pass === cases },
        ],
        notes: [],
      };
    } finally {
      if (before === undefined) delete process.env.STREAMCHECK_TMPDIR;
      else process.env.STREAMCHECK_TMPDIR = before;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
