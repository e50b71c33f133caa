// npm run bench: runs every benchmark (or --only a,b), prints progress, and writes the figures as
// bench/results/<timestamp>.{json,md} and bench/results/latest.{json,md}. Never part of npm test.
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
import { recoveryCost } from './recovery-cost.js';
import { measure } from './measure.js';

const BENCHMARKS: Benchmark[] = [engineThroughput, checkpointOverhead, recoveryCost, checkpointInterval, crashSuite];
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

function markdown(meta: Record<string, unknown>, results: BenchResult[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`# streamcheck benchmarks, ${meta.startedAt as string}`, '', `${meta.machine as string}`, ''];
  for (const r of results) {
    lines.push(`## ${r.title}`, '', r.method, '');
    lines.push(`| ${r.table.header.map(esc).join(' | ')} |`, `|${r.table.header.map(() => ' --- ').join('|')}|`);
    for (const row of r.table.rows) lines.push(`| ${row.map(esc).join(' | ')} |`);
    lines.push('');
    for (const t of r.targets) lines.push(`- Target ${t.met ? 'met' : '**not met**'}: ${t.what}: ${t.measured} (target ${t.target}).`);
    for (const n of r.notes) lines.push(`- ${n}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
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
  const results: BenchResult[] = [];
  try {
    for (const b of BENCHMARKS.filter((x) => only === undefined || only.includes(x.name))) {
      log(`${b.name}:`);
      const t0 = Date.now();
      results.push(await b.run({ quick, scratch, log }));
      log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const meta = { startedAt, finishedAt: new Date().toISOString(), node: process.version, cores: os.availableParallelism(), cpu: os.cpus()[0]?.model, loadAverageAtEnd: os.loadavg(), calibrationOpsPerCpuSecond: calibration, quick, only: only ?? null, machine };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify({ meta, results }, null, 2)}\n`;
  const md = markdown(meta, results);
  for (const name of [stamp, 'latest']) {
    fs.writeFileSync(path.join(RESULTS_DIR, `${name}.json`), json);
    fs.writeFileSync(path.join(RESULTS_DIR, `${name}.md`), md);
  }
  log(md);
  log(`written: ${path.join(RESULTS_DIR, `${stamp}.{json,md}`)} and latest.{json,md}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
