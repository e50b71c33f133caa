// Checkpoint overhead: throughput with checkpointing at the default interval divided by throughput
// without a checkpoint directory (runInMemory), for stateful programs. The two runs alternate and
// each pair gives one ratio, so a slow spell of the shared machine hits both sides of a ratio.

import * as fs from 'node:fs';
import { runInMemory, runSync } from '../reference/engine/run-engine.js';
import { MemorySink } from '../reference/sink/output-sink.js';
import type { Benchmark, BenchResult, TargetCheck } from './benchmark.js';
import { collectGarbage, freshDir, measure, type Timing } from './measure.js';
import { summarize, type Summary } from './stats.js';
import { RECORDS_PER_BATCH, workloadInput, workloadProgram } from './workloads.js';

const TARGET_RATIO = 0.9;
const ratio = (s: Summary) => `${s.median.toFixed(3)} (${s.min.toFixed(3)}–${s.max.toFixed(3)})`;

export const checkpointOverhead: Benchmark = {
  name: 'checkpoint-overhead',
  async run(ctx): Promise<BenchResult> {
    const records = ctx.quick ? 30_000 : 300_000;
    const pairs = ctx.quick ? 2 : 7;
    const rows: Record<string, unknown>[] = [];
    const table: string[][] = [];
    const targets: TargetCheck[] = [];
    for (const name of ['running-totals', 'windowed-reduce'] as const) {
      const program = workloadProgram(name);
      const input = workloadInput(name, records, { recordsPerBatch: records / 30 });
      const without: Timing[] = [];
      const withCp: Timing[] = [];
      for (let i = 0; i < pairs; i++) {
        collectGarbage();
        without.push(measure(() => void runInMemory(program, input)));
        const dir = freshDir(ctx.scratch, 'overhead');
        collectGarbage();
        withCp.push(measure(() => void runSync({ program, input, checkpointDir: dir, sink: new MemorySink() })));
        fs.rmSync(dir, { recursive: true, force: true });
      }
      const cpuRatio = summarize(without.map((w, i) => w.cpuMs / withCp[i]!.cpuMs));
      const wallRatio = summarize(without.map((w, i) => w.wallMs / withCp[i]!.wallMs));
      rows.push({ workload: name, records, batches: 30, cpuRatio, wallRatio, without, withCheckpoint: withCp });
      table.push([name, `${records / 1000}k / 30 batches`, ratio(cpuRatio), ratio(wallRatio), summarize(without.map((t) => t.cpuMs)).median.toFixed(0), summarize(withCp.map((t) => t.cpuMs)).median.toFixed(0)]);
      ctx.log(`  ${name}: throughput ratio ${ratio(cpuRatio)} (CPU), ${ratio(wallRatio)} (wall)`);
      targets.push({ what: `${name}: throughput with checkpoints (default interval) / without`, target: `>= ${TARGET_RATIO}`, measured: `${cpuRatio.median.toFixed(3)} (CPU time), ${wallRatio.median.toFixed(3)} (wall)`, met: cpuRatio.median >= TARGET_RATIO });
    }
    return {
      name: 'checkpoint-overhead',
      title: 'Checkpoint overhead',
      method: `Throughput with a checkpoint directory on tmpfs and the default data-checkpoint interval (10 s = 10 batches), divided by throughput of runInMemory (no checkpoint directory), in alternating pairs; ${RECORDS_PER_BATCH / 1000}k-record batches, 10k keys. Metadata checkpoints are written twice a batch either way the engine runs with a directory.`,
      rows,
      table: { header: ['workload', 'input', 'ratio by CPU time, median (min–max)', 'ratio by wall time', 'CPU ms without', 'CPU ms with'], rows: table },
      targets,
      notes: ['tmpfs makes fsync free; on a disk each checkpoint also pays its fsyncs (2 metadata files a batch, one data file per interval).'],
    };
  },
};
