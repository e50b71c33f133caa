// Runs the engine to the end of its input under a clock: the logical clock runs batches as fast as
// the machine allows (crash suites); the real-time clock fires batch T at T ms after the run's
// start (benchmarks, demos), and after a crash re-runs the batches that passed while it was down.

import { isStateful, type ValidProgram } from '../program/validate.js';
import { checkInputsPresent, type InputLog } from '../source/input-log.js';
import { FileCheckpointStore } from '../checkpoint/checkpoint-store.js';
import { FileSink, MemorySink, type OutputSink } from '../sink/output-sink.js';
import type { BatchOutput } from '../sink/batch-output.js';
import { CrashPoints, CrashSignal, killProcess } from './crash-points.js';
import { EngineError } from './dstream.js';
import { Engine } from './engine.js';
import type { CrashPointName, EngineEvent } from './events.js';
import type { BugName } from './bugs.js';
import { setDurabilityBug } from './atomic-write.js';

export type ClockKind = 'logical' | 'realtime';

export interface RunOptions {
  program: ValidProgram;
  input: InputLog;
  checkpointDir?: string;
  /** Commit outputs as files under this directory ... */
  outputDir?: string;
  /** ... or to this sink (in-process runs). */
  sink?: OutputSink;
  clock?: ClockKind;
  maxPendingBatches?: number;
  restartJumpMs?: number;
  /** Crash at the n-th crash point (1-based). */
  crashAt?: number;
  /** How to crash: SIGKILL of this process by default; tests pass a function that throws. */
  crash?: (n: number, point: CrashPointName) => never;
  /** Print every crash point passed (not only the one crashed at). */
  reportCrashPoints?: boolean;
  onEvent?: (e: EngineEvent) => void;
  onWarning?: (message: string) => void;
  /** Node-local scratch directory (may be wiped between runs). */
  scratchDir?: string;
  /** A checkpoint bug to enable (the self-test's engine variants only). */
  bug?: BugName;
  /** Allow a stateful program without a checkpoint directory (in-process runs only). */
  allowNoCheckpointDir?: boolean;
}

/** Bound on one real-time sleep, so a clock jump cannot park the engine for long. */
const realtimeSleepMaxMs = 1_000;

function makeEngine(o: RunOptions): Engine {
  checkInputsPresent(o.input, o.program.inputs);
  if (o.checkpointDir === undefined && isStateful(o.program) && o.allowNoCheckpointDir !== true) {
    throw new EngineError('the program has stateful operations, which need a checkpoint directory (Spark: "The checkpoint directory has not been set")');
  }
  const emit = o.onEvent ?? (() => {});
  setDurabilityBug(o.bug === 'rename-without-fsync' || o.bug === 'no-directory-fsync' ? o.bug : null);
  const crash = new CrashPoints(o.crashAt, emit, o.crash ?? killProcess, o.reportCrashPoints ?? false);
  const store = o.checkpointDir === undefined ? undefined : new FileCheckpointStore(o.checkpointDir, crash, o.bug, o.scratchDir);
  const sink = o.sink ?? (o.outputDir === undefined ? undefined : new FileSink(o.outputDir, crash, o.bug === 'append-output-on-rerun'));
  if (sink === undefined) throw new EngineError('no output directory or sink given');
  return new Engine({
    program: o.program,
    input: o.input,
    store,
    sink,
    crash,
    emit,
    warn: o.onWarning ?? ((m) => process.stderr.write(`streamcheck-engine: ${m}\n`)),
    maxPendingBatches: o.maxPendingBatches ?? 1,
    restartJumpMs: o.restartJumpMs ?? 0,
    clockStartWallMs: (o.clock ?? 'logical') === 'realtime' ? Date.now() : null,
    bug: o.bug,
  });
}

/** Runs to the end under the logical clock, synchronously. */
export function runSync(o: RunOptions): Engine {
  const engine = makeEngine(o);
  engine.start();
  for (;;) {
    const step = engine.step(Number.POSITIVE_INFINITY);
    if (step.kind === 'done') break;
  }
  engine.finish();
  return engine;
}

/** Runs to the end under the chosen clock. */
export async function runEngine(o: RunOptions): Promise<Engine> {
  if ((o.clock ?? 'logical') === 'logical') return runSync(o);
  const engine = makeEngine(o);
  const now = () => Date.now() - engine.clockStartWallMs!;
  engine.start(now());
  for (;;) {
    const step = engine.step(now());
    if (step.kind === 'done') break;
    if (step.kind === 'wait') {
      const ms = Math.min(realtimeSleepMaxMs, Math.max(0, step.untilMs - now()));
      await new Promise((r) => setTimeout(r, ms));
    }
  }
  engine.finish();
  return engine;
}

/** The engine in memory, no checkpoint directory: the outputs of a failure-free run. */
export function runInMemory(program: ValidProgram, input: InputLog, options: { maxPendingBatches?: number } = {}): BatchOutput[] {
  const sink = new MemorySink();
  runSync({ program, input, sink, allowNoCheckpointDir: true, maxPendingBatches: options.maxPendingBatches });
  return sink.outputs();
}

export { CrashSignal };
