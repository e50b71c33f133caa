// Recovery cost: the wall time of a restart, from start to caught up, after a crash, as a function of
// the batches since the last data checkpoint (which a restart recomputes from the input log) and of
// the state size (which it reads back from the data checkpoint). In-process with a throwing crash,
// and as the engine command killed with --crash-at (which adds a process start).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runSync } from '../reference/engine/run-engine.js';
import { MemorySink } from '../reference/sink/output-sink.js';
import type { ValidProgram } from '../reference/program/validate.js';
import type { InputLog } from '../reference/source/input-log.js';
import type { Benchmark, BenchContext, BenchResult } from './benchmark.js';
import { ENGINE_COMMAND, runEngineCommand } from './engine-throughput.js';
import { collectGarbage, crashPointNumber, freshDir, measure, runIntoCrash } from './measure.js';
import { summarize, type Summary } from './stats.js';
import { BATCH_INTERVAL_MS, workloadInput, workloadProgram } from './workloads.js';

/** Batches per data checkpoint: the engine's default 10 s over 1 s batches. */
export const DEFAULT_INTERVAL_BATCHES = 10;
export const RECOVERY_RECORDS_PER_BATCH = 2_000;

export interface RecoveryPoint {
  program: ValidProgram;
  input: InputLog;
  /** The batch whose run the crash interrupts (at job:before-run): the input's last batch. */
  crashBatchMs: number;
}

/** A running-totals run of `keys` keys, with `since` completed batches after its last data
 *  checkpoint (at `checkpointBatches` × k) before the crash; the crashed batch is the input's last. */
export function recoveryPoint(keys: number, since: number, checkpointBatches: number, intervalMs?: number): RecoveryPoint {
  const lastCheckpointBatch = 2 * checkpointBatches;
  const batches = lastCheckpointBatch + since + 1;
  const program = workloadProgram('running-totals', intervalMs === undefined ? {} : { checkpointIntervalMs: intervalMs });
  const input = workloadInput('running-totals', batches * RECOVERY_RECORDS_PER_BATCH, { keys, recordsPerBatch: RECOVERY_RECORDS_PER_BATCH, allKeysFirst: true });
  return { program, input, crashBatchMs: batches * BATCH_INTERVAL_MS };
}

/** Restart wall times (ms) in process: crash, then time the restart that runs to the end. */
export function inProcessRestarts(p: RecoveryPoint, reps: number, ctx: BenchContext): { wallMs: number[]; cpuMs: number[]; batchesReread: number } {
  const o = { program: p.program, input: p.input };
  const n = crashPointNumber(o, 'job:before-run', p.crashBatchMs, ctx.scratch);
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  let batchesReread = 0;
  for (let i = 0; i < reps; i++) {
    const dir = freshDir(ctx.scratch, 'recovery');
    try {
      runIntoCrash(o, dir, n);
      collectGarbage();
      let reread = 0;
      const t = measure(() => void (reread = runSync({ ...o, checkpointDir: dir, sink: new MemorySink() }).inputBatchesRead));
      wallMs.push(t.wallMs);
      cpuMs.push(t.cpuMs);
      batchesReread = reread;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return { wallMs, cpuMs, batchesReread };
}

/** Restart wall times (ms) of the engine command after a SIGKILL at the same point. */
function childRestarts(p: RecoveryPoint, reps: number, ctx: BenchContext): number[] {
  const dir = freshDir(ctx.scratch, 'recovery-files');
  const programFile = path.join(dir, 'program.json');
  const inputFile = path.join(dir, 'input.json');
  fs.writeFileSync(programFile, JSON.stringify(p.program.program));
  fs.writeFileSync(inputFile, JSON.stringify(p.input));
  const args = (run: string) => ['--program', programFile, '--input', inputFile, '--checkpoint-dir', path.join(dir, run, 'cp'), '--output-dir', path.join(dir, run, 'out')];
  // The command's crash points include the file sink's, so count them from its own events.
  const count = spawnSync(process.execPath, [ENGINE_COMMAND, ...args('count'), '--events', 'all'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const n = count.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string; n?: number; name?: string; batchTimeMs?: number })
    .find((e) => e.event === 'crash-point' && e.name === 'job:before-run' && e.batchTimeMs === p.crashBatchMs)?.n;
  if (n === undefined) throw new Error(`the engine command passed no job:before-run at ${p.crashBatchMs} ms`);
  const out: number[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      const crashed = spawnSync(process.execPath, [ENGINE_COMMAND, ...args(`r${i}`), '--events', 'none', '--crash-at', String(n)]);
      if (crashed.signal !== 'SIGKILL') throw new Error(`expected the engine command to be killed at crash point ${n}, it exited with ${crashed.status ?? crashed.signal}`);
      out.push(runEngineCommand([...args(`r${i}`), '--events', 'none']));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const ms = (s: Summary) => `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;

export const recoveryCost: Benchmark = {
  name: 'recovery-cost',
  async run(ctx): Promise<BenchResult> {
    const stateSizes = ctx.quick ? [1_000] : [1_000, 10_000, 100_000];
    const sinceValues = ctx.quick ? [0, 9] : [0, 3, 6, 9];
    const reps = ctx.quick ? 1 : 3;
    const rows: Record<string, unknown>[] = [];
    const table: string[][] = [];
    for (const keys of stateSizes) {
      for (const since of sinceValues) {
        const p = recoveryPoint(keys, since, DEFAULT_INTERVAL_BATCHES);
        const inProcess = inProcessRestarts(p, reps, ctx);
        const child = childRestarts(p, reps, ctx);
        const a = summarize(inProcess.wallMs);
        const b = summarize(child);
        rows.push({ stateKeys: keys, batchesSinceDataCheckpoint: since, crashBatchMs: p.crashBatchMs, inputBatchesReread: inProcess.batchesReread, inProcessRestartMs: a, childProcessRestartMs: b, samples: { inProcess: inProcess.wallMs, child } });
        table.push([String(keys), String(since), String(inProcess.batchesReread), ms(a), ms(b)]);
        ctx.log(`  ${keys} keys, ${since} batches since data checkpoint: restart ${ms(a)} ms in process, ${ms(b)} ms as a command`);
      }
    }
    return {
      name: 'recovery-cost',
      title: 'Recovery cost',
      method: `running-totals (updateStateByKey, data checkpoint every ${DEFAULT_INTERVAL_BATCHES} batches), ${RECOVERY_RECORDS_PER_BATCH} records a batch, every key present from batch 1. The run crashes at job:before-run of the batch that follows "batches since" completed batches after the last data checkpoint; the restart reads the checkpoint, recomputes the state from the data checkpoint by re-reading those batches, and runs the crashed batch. Wall time of the restart, ms.`,
      rows,
      table: { header: ['state keys', 'batches since data checkpoint', 'input batches re-read', 'restart in process, ms median (min–max)', 'restart as command, ms'], rows: table },
      targets: [],
      notes: ['The command figure includes a process start and parsing the whole input log (see crash-suite for the start-up cost alone).'],
    };
  },
};
