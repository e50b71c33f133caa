// Engine throughput: input records per second for word count (uniform and Zipf vocabularies) and
// for a windowed reduce with an inverse function, at growing input sizes, three ways: in memory (runInMemory), with a checkpoint
// directory on tmpfs (runSync), and as the engine command in a child process (start-up included).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runInMemory, runSync } from '../reference/engine/run-engine.js';
import { MemorySink } from '../reference/sink/output-sink.js';
import type { Benchmark, BenchContext, BenchResult, TargetCheck } from './benchmark.js';
import { collectGarbage, freshDir, measure, type Timing } from './measure.js';
import { si, spread, summarize } from './stats.js';
import { RECORDS_PER_BATCH, WORD_COUNT_WORKLOADS, WORDS_PER_LINE, workloadInput, workloadProgram, type WorkloadName } from './workloads.js';

export const ENGINE_COMMAND = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../reference/cli/engine.js');
const TARGET_RECORDS_PER_CORE_S = 1_000_000;

type Mode = 'in-memory' | 'checkpointed' | 'child-process';

/** Runs the engine command once; returns its wall time. */
export function runEngineCommand(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [ENGINE_COMMAND, ...args], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${ENGINE_COMMAND} ${args.join(' ')} exited with ${r.status ?? r.signal}: ${r.stderr.slice(-400)}`);
  return ms;
}

function runOnce(mode: Mode, name: WorkloadName, records: number, ctx: BenchContext, files: { program: string; input: string }): Timing {
  const program = workloadProgram(name);
  const input = workloadInput(name, records);
  collectGarbage();
  switch (mode) {
    case 'in-memory':
      return measure(() => void runInMemory(program, input));
    case 'checkpointed': {
      const dir = freshDir(ctx.scratch, 'tp');
      try {
        return measure(() => void runSync({ program, input, checkpointDir: dir, sink: new MemorySink() }));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    case 'child-process': {
      const dir = freshDir(ctx.scratch, 'tp');
      try {
        const wallMs = runEngineCommand(['--program', files.program, '--input', files.input, '--checkpoint-dir', path.join(dir, 'cp'), '--output-dir', path.join(dir, 'out'), '--events', 'none']);
        return { wallMs, cpuMs: Number.NaN };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    default:
      throw new Error(`unknown mode ${JSON.stringify(mode satisfies never)}`);
  }
}

export const engineThroughput: Benchmark = {
  name: 'engine-throughput',
  async run(ctx): Promise<BenchResult> {
    const sizes = ctx.quick ? [1_000, 10_000] : [10_000, 100_000, 1_000_000];
    const rows: Record<string, unknown>[] = [];
    const table: string[][] = [];
    const targets: TargetCheck[] = [];
    for (const name of ['word-count', 'word-count-zipf', 'windowed-reduce'] as const) {
      const wordCount = name === 'word-count' || name === 'word-count-zipf';
      for (const records of sizes) {
        const dir = freshDir(ctx.scratch, 'tp-files');
        const files = { program: path.join(dir, 'program.json'), input: path.join(dir, 'input.json') };
        fs.writeFileSync(files.program, JSON.stringify(workloadProgram(name).program));
        fs.writeFileSync(files.input, JSON.stringify(workloadInput(name, records)));
        for (const mode of ['in-memory', 'checkpointed', 'child-process'] as const) {
          const reps = ctx.quick ? 2 : records >= 1_000_000 ? 3 : 5;
          const samples: Timing[] = [];
          for (let i = 0; i < reps; i++) samples.push(runOnce(mode, name, records, ctx, files));
          const wallRate = summarize(samples.map((s) => (records / s.wallMs) * 1000));
          const cpuRate = mode === 'child-process' ? undefined : summarize(samples.map((s) => (records / s.cpuMs) * 1000));
          const usPerRecord = summarize(samples.map((s) => ((mode === 'child-process' ? s.wallMs : s.cpuMs) * 1000) / records));
          const workload = wordCount ? `${WORD_COUNT_WORKLOADS[name]}; a record is an input line` : 'pairs [key, 1..9] over 10k keys; a record is an input pair';
          rows.push({ workload: name, workloadDescription: workload, records, batches: Math.ceil(records / RECORDS_PER_BATCH), mode, recordsPerCpuSecond: cpuRate, recordsPerWallSecond: wallRate, microsPerRecord: usPerRecord, wordsPerCpuSecond: wordCount && cpuRate !== undefined ? cpuRate.median * WORDS_PER_LINE : undefined, samples });
          table.push([name, si(records), mode, cpuRate === undefined ? '–' : spread(cpuRate), spread(wallRate), usPerRecord.median.toFixed(2)]);
          ctx.log(`  ${name} ${si(records)} ${mode}: ${cpuRate === undefined ? '' : `${spread(cpuRate)} rec/CPU-s, `}${spread(wallRate)} rec/wall-s`);
          if (wordCount && mode === 'in-memory' && records === sizes[sizes.length - 1]) {
            targets.push({ what: `word count in-process on workload ${name} (${si(records)} ${WORD_COUNT_WORKLOADS[name]}; a record is an input line), per core (CPU time)`, target: `>= ${si(TARGET_RECORDS_PER_CORE_S)} records/s`, measured: `${si(cpuRate!.median)} records/s, ${((1000 * 1000) / cpuRate!.median).toFixed(2)} µs/record (${si(cpuRate!.median * WORDS_PER_LINE)} words/s)`, met: cpuRate!.median >= TARGET_RECORDS_PER_CORE_S });
          }
        }
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    return {
      name: 'engine-throughput',
      title: 'Engine throughput',
      method: `Input records per second; ${RECORDS_PER_BATCH} records per 1 s batch, so larger inputs are more batches. Word count (a record is an input line of ${WORDS_PER_LINE} words): workload word-count, ${WORD_COUNT_WORKLOADS['word-count']} (the issue's target workload); workload word-count-zipf, ${WORD_COUNT_WORKLOADS['word-count-zipf']}, which is what natural text looks like. Windowed reduce: [key, 1..9] pairs over 10k keys, window 5 batches, inverse subtract. Per-core rates divide by this process's CPU time (single-threaded engine; GC helper threads included); wall rates include waiting for a core on this shared machine. The child process rate includes node start-up and parsing the input file.`,
      rows,
      table: { header: ['workload', 'records', 'mode', 'records/CPU-s median (min–max)', 'records/wall-s median (min–max)', 'µs/record'], rows: table },
      targets,
      notes: [],
    };
  },
};
