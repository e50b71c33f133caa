// npm run bench: runs every benchmark (or --only a,b), prints progress, and writes the figures as
// bench/results/<timestamp>.{json,md} and bench/results/latest.{json,md}. With --only, latest keeps
// the other benchmarks' last figures (each section says when and where it was measured); --quick
// (smoke-check sizes, not figures) never touches latest. Never part of npm test.
// Usage: node dist/bench/run.js [--only name[,name]] [--quick]

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, BenchResult } from './benchmark.js';
import { checkpointInterval } from './checkpoint-interval.js';
import { checkpointOverhead } from './checkpoint-overhead.js';
import { crashSuite } from './crash-suite.js';
import { engineThroughput } from './engine-throughput.js';
import { loadSuite } from './load-suite.js';
import { recoveryCost } from './recovery-cost.js';
import { storageCrashStates } from './storage-crash-states.js';
import { measure } from './measure.js';

const BENCHMARKS: Benchmark[] = [engineThroughput, checkpointOverhead, recoveryCost, checkpointInterval, crashSuite, storageCrashStates, loadSuite];
const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/results');

/** A fixed pure-JavaScript workload (allocate pairs, count strings in a Map), so figures from a
 *  busy or slow machine can be read against its speed at the time. */
function calibrationOpsPerCpuSecond(): number {
  const n = 1_000_000;
  const t = measure(() => {
    const counts = new Map<string, number>();
    const pairs: [string, number][] = [];
    for (let i = 0; i < n; i++) {
      const k = `w${i % 10_000}`;
      pairs.push([k, 1]);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  });
  return (n / t.cpuMs) * 1000;
}

function parseArgs(argv: string[]): { only: string[] | undefined; quick: boolean } {
  let only: string[] | undefined;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--only') only = (argv[++i] ?? '').split(',').filter((s) => s !== '');
    else if (a.startsWith('--only=')) only = a.slice('--only='.length).split(',').filter((s) => s !== '');
    else throw new Error(`unknown argument ${JSON.stringify(a)}; usage: run.js [--only name[,name]] [--quick]`);
  }
  const unknown = (only ?? []).filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0) throw new Error(`--only: no benchmark ${unknown.join(', ')}; benchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  return { only, quick };
}

/** A result as written: with when and on what it was measured (latest.json may mix runs). */
type StampedResult = BenchResult & { ranAt: string; machine: string };

function markdown(meta: Record<string, unknown>, results: StampedResult[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`# streamcheck benchmarks, ${meta.startedAt as string}`, '', `${meta.machine as string}`, ''];
  for (const r of results) {
    lines.push(`## ${r.title}`, '');
    if (r.ranAt !== meta.startedAt) lines.push(`_Measured in an earlier run, ${r.ranAt}: ${r.machine}_`, '');
    lines.push(r.method, '');
    lines.push(`| ${r.table.header.map(esc).join(' | ')} |`, `|${r.table.header.map(() => ' --- ').join('|')}|`);
    for (const row of r.table.rows) lines.push(`| ${row.map(esc).join(' | ')} |`);
    lines.push('');
    for (const t of r.targets) lines.push(`- Target ${t.met ? 'met' : '**not met**'}: ${t.what}: ${t.measured} (target ${t.target}).`);
    for (const n of r.notes) lines.push(`- ${n}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** This run's results, and for every benchmark it did not run, the one in latest.json (if any). */
function withEarlierResults(fresh: StampedResult[]): StampedResult[] {
  const latest = path.join(RESULTS_DIR, 'latest.json');
  let earlier: StampedResult[] = [];
  if (fs.existsSync(latest)) {
    try {
      const parsed = JSON.parse(fs.readFileSync(latest, 'utf8')) as { meta?: { startedAt?: string; machine?: string }; results?: StampedResult[] };
      earlier = (parsed.results ?? []).map((r) => ({ ...r, ranAt: r.ranAt ?? parsed.meta?.startedAt ?? 'unknown', machine: r.machine ?? parsed.meta?.machine ?? 'unknown' }));
    } catch (error) {
      process.stderr.write(`bench: ${latest} is not readable JSON (${(error as Error).message}); latest will hold this run's results only\n`);
    }
  }
  return BENCHMARKS.flatMap((b) => fresh.filter((r) => r.name === b.name).concat(fresh.some((r) => r.name === b.name) ? [] : earlier.filter((r) => r.name === b.name)));
}

async function main(): Promise<void> {
  const { only, quick } = parseArgs(process.argv.slice(2));
  const scratchRoot = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const scratch = fs.mkdtempSync(path.join(scratchRoot, 'streamcheck-bench-'));
  const startedAt = new Date().toISOString();
  const calibration = [calibrationOpsPerCpuSecond(), calibrationOpsPerCpuSecond(), calibrationOpsPerCpuSecond()].sort((a, b) => a - b)[1]!;
  const machine = `Node ${process.version}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0]!.toFixed(1)} at start; calibration ${(calibration / 1e6).toFixed(2)}M ops per CPU-second (higher is a faster or quieter machine)${quick ? '; --quick: smoke-check sizes, not figures' : ''}.`;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(machine);
  const results: StampedResult[] = [];
  try {
    for (const b of BENCHMARKS.filter((x) => only === undefined || only.includes(x.name))) {
      log(`${b.name}:`);
      const t0 = Date.now();
      results.push({ ...(await b.run({ quick, scratch, log })), ranAt: startedAt, machine });
      log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const meta = { startedAt, finishedAt: new Date().toISOString(), node: process.version, cores: os.availableParallelism(), cpu: os.cpus()[0]?.model, loadAverageAtEnd: os.loadavg(), calibrationOpsPerCpuSecond: calibration, quick, only: only ?? null, machine };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.replace(/[:.]/g, '-');
  const write = (name: string, rs: StampedResult[]): string => {
    const md = markdown(meta, rs);
    fs.writeFileSync(path.join(RESULTS_DIR, `${name}.json`), `${JSON.stringify({ meta, results: rs }, null, 2)}\n`);
    fs.writeFileSync(path.join(RESULTS_DIR, `${name}.md`), md);
    return md;
  };
  log(write(stamp, results));
  if (quick) {
    log(`written: ${path.join(RESULTS_DIR, `${stamp}.{json,md}`)} (--quick: latest.{json,md} left as they were)`);
    return;
  }
  write('latest', only === undefined ? results : withEarlierResults(results));
  log(`written: ${path.join(RESULTS_DIR, `${stamp}.{json,md}`)} and latest.{json,md}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
