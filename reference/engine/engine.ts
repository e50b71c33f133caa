// The job generator and job runner (Spark's JobGenerator and JobScheduler) over one DStream graph.
// The generator fixes each input's offset range for batch T, builds the batch's jobs and queues them,
// running ahead of the runner by at most maxPendingBatches; the runner executes queued batches in
// order, commits their output, writes data checkpoints and marks them complete. With a checkpoint
// directory, a metadata checkpoint is written when a batch is generated and again when it completes;
// on start an existing checkpoint is recovered as JobGenerator.restart does.

import type { ValidProgram } from '../program/validate.js';
import { sortCanonical, type Value } from '../program/value.js';
import { batchTimes, type InputLog } from '../source/input-log.js';
import type { Metadata } from '../checkpoint/metadata.js';
import { programHash } from '../checkpoint/metadata.js';
import { CheckpointError, type FileCheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { FinalState, OutputSink } from '../sink/output-sink.js';
import { ForEachDStream, type Job } from '../operators/for-each-stream.js';
import type { CrashPoints } from './crash-points.js';
import { EngineError } from './dstream.js';
import type { EngineEvent } from './events.js';
import { StreamGraph } from './graph.js';
import { describeProgramChange } from './program-diff.js';
import { Rdd } from './rdd.js';
import type { BugName } from './bugs.js';
import { ReducedWindowedDStream } from '../operators/reduced-windowed-stream.js';
import { InternalMapWithStateDStream } from '../operators/map-with-state-stream.js';

export interface EngineConfig {
  program: ValidProgram;
  input: InputLog;
  /** Undefined: no checkpointing at all (in-process runs only; a stateful program then keeps
   *  its lineage in memory, which Spark would refuse). */
  store: FileCheckpointStore | undefined;
  sink: OutputSink;
  crash: CrashPoints;
  emit: (e: EngineEvent) => void;
  warn: (message: string) => void;
  maxPendingBatches: number;
  /** Logical clock: how far the clock jumps past the checkpoint on restart (Spark's manualClock.jump). */
  restartJumpMs: number;
  /** Real-time clock: wall time of batch time 0 (restored from the checkpoint on recovery). */
  clockStartWallMs: number | null;
  /** A checkpoint bug to enable (self-test only; see bugs.ts). */
  bug?: BugName;
}

interface JobSet {
  batchTimeMs: number;
  jobs: Job[];
}

export type Step = { kind: 'generated' | 'ran'; batchTimeMs: number } | { kind: 'wait'; untilMs: number } | { kind: 'done' };

export class Engine {
  readonly graph: StreamGraph;
  private readonly queue: JobSet[] = [];
  /** Batches generated (or rescheduled) and not yet completed: Spark's JobScheduler.jobSets keys. */
  private readonly pending = new Set<number>();
  private readonly endTimeMs: number;
  private nextTimeMs: number;
  private maxPending: number;
  private completed = 0;
  private lastCompletedMs: number | null = null;
  clockStartWallMs: number | null;
  /** The program's hash, written into every metadata checkpoint (twice a batch). */
  private readonly programHash: string;

  constructor(private readonly config: EngineConfig) {
    this.programHash = programHash(config.program.program);
    this.graph = new StreamGraph(config.program, config.input);
    this.graph.start();
    const times = batchTimes(config.program.batchIntervalMs, config.input.endTimeMs);
    this.endTimeMs = times.length === 0 ? 0 : times[times.length - 1]!;
    this.nextTimeMs = config.program.batchIntervalMs;
    this.maxPending = config.maxPendingBatches;
    this.clockStartWallMs = config.clockStartWallMs;
  }

  /** Starts fresh, or recovers from the checkpoint directory; `nowMs` is the real-time clock's
   *  reading (undefined under the logical clock). */
  start(nowMs?: number): void {
    const store = this.config.store;
    const recovered = store?.readLatest();
    if (recovered === undefined) {
      this.config.emit({ event: 'start', recovered: false, checkpointTimeMs: null, checkpointFile: null });
      return;
    }
    for (const s of recovered.skipped) {
      this.config.warn(`checkpoint ${s.file} is unusable (${s.reason}); falling back to an older checkpoint`);
      this.config.emit({ event: 'checkpoint-skipped', file: s.file, reason: s.reason });
    }
    const m = recovered.metadata;
    if (m.programHash !== this.programHash) {
      const changes = describeProgramChange(m.program as ValidProgram['program'], this.config.program.program);
      throw new CheckpointError(`the program differs from the one checkpoint ${recovered.file} was made with: ${changes.join('; ')}. Use a new checkpoint directory to run a changed program.`);
    }
    this.config.emit({ event: 'start', recovered: true, checkpointTimeMs: m.checkpointTimeMs, checkpointFile: recovered.file });
    this.restore(m, recovered.data);
    this.config.crash.pass('recovery:checkpoint-read', m.checkpointTimeMs);
    this.restart(m, nowMs);
  }

  private restore(m: Metadata, data: Map<string, Value>): void {
    this.maxPending = m.config.maxPendingBatches;
    this.clockStartWallMs = m.config.clockStartWallMs;
    const bug = this.config.bug;
    for (const [name, input] of this.graph.inputs) {
      const saved = m.inputs[name];
      if (saved === undefined) throw new CheckpointError(`checkpoint has no offsets for input ${name}`);
      let ranges = saved.batchForTime;
      if (bug === 'offsets-committed-before-output') ranges = ranges.filter(([t]) => !m.pendingTimes.includes(t));
      input.restore(new Map(ranges.map(([t, fromOffset, untilOffset]) => [t, { fromOffset, untilOffset }])), saved.currentOffset);
    }
    for (const [nodeId, files] of Object.entries(m.dataCheckpoints)) {
      const node = this.graph.nodes.get(nodeId);
      if (node === undefined) throw new CheckpointError(`checkpoint has data for unknown stream ${nodeId}`);
      for (const [t, rel] of files) {
        let json = data.get(rel) ?? [];
        if (bug === 'stale-state-restore') json = data.get(files[0]![1]) ?? [];
        if (bug === 'drop-zero-window-keys' && node instanceof ReducedWindowedDStream) json = (json as Value[]).filter((r) => !Array.isArray(r) || (r[1] !== 0 && r[1] !== ''));
        if (bug === 'restored-timeouts-reset' && node instanceof InternalMapWithStateDStream) {
          const saved = json as { states: Value[][]; mapped: Value[] };
          json = { ...saved, states: saved.states.map(([k, s]) => [k!, s!, m.checkpointTimeMs]) };
        }
        node.generatedRDDs.set(t, Rdd.of(node.fromCheckpointData(json), rel));
        node.checkpointFiles.set(t, rel);
      }
      if (bug === 'window-edge-off-by-one' && node instanceof ReducedWindowedDStream) node.offByOneAfterRecovery = true;
    }
    for (const t of m.pendingTimes) this.pending.add(t);
  }

  /** JobGenerator.restart: re-run the pending batches and every batch time from the checkpoint
   *  time up to the restart time, then continue from the restart time. */
  private restart(m: Metadata, nowMs: number | undefined): void {
    const batch = this.config.program.batchIntervalMs;
    // Under the logical clock "now" is the latest time the crashed run is known to have reached:
    // a real clock at restart is past every batch the checkpoint knows of.
    const now = nowMs ?? Math.max(m.checkpointTimeMs, ...m.pendingTimes) + this.config.restartJumpMs;
    const restartTimeMs = (Math.floor(now / batch) + 1) * batch;
    const downTimes: number[] = [];
    for (let t = m.checkpointTimeMs; t < restartTimeMs; t += batch) downTimes.push(t);
    let times = [...new Set([...m.pendingTimes, ...downTimes])].filter((t) => t <= this.endTimeMs).sort((a, b) => a - b);
    if (this.config.bug === 'forget-pending-batches') times = times.filter((t) => t === m.checkpointTimeMs);
    if (this.config.bug === 'skip-checkpoint-batch') times = times.filter((t) => t !== m.checkpointTimeMs);
    for (const t of times) {
      for (const input of this.graph.inputs.values()) input.allocate(t);
      this.submit(t, this.graph.generateJobs(t));
    }
    this.nextTimeMs = restartTimeMs;
    const restoredData: Record<string, number[]> = {};
    for (const [node, files] of Object.entries(m.dataCheckpoints)) restoredData[node] = files.map(([t]) => t);
    this.config.emit({ event: 'recovery', checkpointTimeMs: m.checkpointTimeMs, pendingTimes: m.pendingTimes, rescheduled: times, restartTimeMs, restoredData });
    this.config.crash.pass('recovery:batches-rescheduled', m.checkpointTimeMs);
  }

  private submit(t: number, jobs: Job[]): void {
    // Spark's submitJobSet: a batch without jobs is not tracked ("No jobs added for time").
    if (jobs.length === 0) return;
    this.queue.push({ batchTimeMs: t, jobs });
    this.pending.add(t);
  }

  /** Does one unit of work: generate the next batch, or run the oldest queued one. */
  step(nowMs: number): Step {
    if (this.nextTimeMs <= this.endTimeMs && this.queue.length < this.maxPending) {
      if (nowMs < this.nextTimeMs && this.queue.length > 0) return this.runNext();
      if (nowMs < this.nextTimeMs) return { kind: 'wait', untilMs: this.nextTimeMs };
      return this.generate(this.nextTimeMs);
    }
    if (this.queue.length > 0) return this.runNext();
    if (this.nextTimeMs <= this.endTimeMs) return { kind: 'wait', untilMs: this.nextTimeMs };
    return { kind: 'done' };
  }

  private generate(t: number): Step {
    this.nextTimeMs = t + this.config.program.batchIntervalMs;
    const offsets: Record<string, [number, number]> = {};
    for (const [name, input] of this.graph.inputs) {
      const r = input.allocate(t);
      offsets[name] = [r.fromOffset, r.untilOffset];
    }
    const jobs = this.graph.generateJobs(t);
    this.config.crash.pass('generate:before-queue', t);
    this.submit(t, jobs);
    this.config.emit({ event: 'batch-generated', batchTimeMs: t, offsets, jobs: jobs.length });
    this.checkpoint(t, 'generation');
    return { kind: 'generated', batchTimeMs: t };
  }

  private runNext(): Step {
    const set = this.queue.shift()!;
    const t = set.batchTimeMs;
    this.config.crash.pass('job:before-run', t);
    for (const job of set.jobs) {
      const batch = ForEachDStream.records(job);
      const sha256 = this.config.sink.commit(job.output, t, batch);
      this.config.emit({ event: 'output-committed', output: job.output, batchTimeMs: t, records: batch.records.length, sha256 });
      if (this.config.bug !== 'trust-incomplete-checkpoint') this.writeDataCheckpoints();
    }
    this.config.crash.pass('batch:before-completion-checkpoint', t);
    this.pending.delete(t);
    this.graph.clearMetadata(t);
    if (this.config.bug === 'trust-incomplete-checkpoint') this.markDataCheckpointsWritten();
    this.checkpoint(t, 'completion');
    if (this.config.bug === 'trust-incomplete-checkpoint') this.writeDataCheckpoints();
    this.config.store?.deleteUnreferencedData(t);
    this.completed += 1;
    this.lastCompletedMs = t;
    this.config.emit({ event: 'batch-completed', batchTimeMs: t });
    return { kind: 'ran', batchTimeMs: t };
  }

  /** RDD checkpointing after a job: every computed RDD marked for checkpointing gets its file. */
  private writeDataCheckpoints(): void {
    const store = this.config.store;
    if (store === undefined) return;
    for (const node of this.graph.checkpointingNodes()) {
      for (const [t, rdd] of [...node.generatedRDDs].sort((a, b) => a[0] - b[0])) {
        if (!rdd.markedForCheckpoint || !rdd.isComputed || (rdd.checkpointFile !== undefined && !this.unwrittenData.has(rdd))) continue;
        let data = rdd.force();
        if (this.config.bug === 'state-checkpoint-before-update') data = node.generatedRDDs.get(t - node.slideMs)?.force() ?? node.fromCheckpointData([]);
        rdd.checkpointFile = store.writeData(node.id, t, node.toCheckpointData(data));
        this.unwrittenData.delete(rdd);
        this.config.emit({ event: 'data-checkpoint-written', stream: node.id, batchTimeMs: t, file: rdd.checkpointFile });
      }
    }
  }

  /** trust-incomplete-checkpoint: name the data files in the metadata before they exist. */
  private readonly unwrittenData = new Set<Rdd<unknown>>();
  private markDataCheckpointsWritten(): void {
    for (const node of this.graph.checkpointingNodes()) {
      for (const [t, rdd] of node.generatedRDDs) {
        if (!rdd.markedForCheckpoint || !rdd.isComputed || rdd.checkpointFile !== undefined) continue;
        rdd.checkpointFile = this.config.store!.dataFileName(node.id, t);
        this.unwrittenData.add(rdd);
      }
    }
  }

  private checkpoint(t: number, kind: 'generation' | 'completion'): void {
    const store = this.config.store;
    if (store === undefined) return;
    this.graph.updateCheckpointData();
    const inputs: Metadata['inputs'] = {};
    for (const [name, input] of this.graph.inputs) {
      // Every offset range allocated and still remembered, not only those of batches some job has
      // read yet: a batch only a later window reads (slide > batch) must re-read the same records
      // after recovery (Spark persists block allocations in its ReceivedBlockTracker log).
      for (const time of input.generatedRDDs.keys()) {
        if (!input.batchForTime.has(time)) throw new EngineError(`input ${name}: batch ${time} ms has an RDD but no offset range`);
      }
      inputs[name] = {
        currentOffset: input.currentOffset,
        batchForTime: [...input.batchForTime]
          .sort((a, b) => a[0] - b[0])
          .map(([time, r]) => [time, r.fromOffset, r.untilOffset] as [number, number, number]),
      };
    }
    const dataCheckpoints: Metadata['dataCheckpoints'] = {};
    for (const node of this.graph.nodes.values()) {
      if (node.checkpointFiles.size > 0) dataCheckpoints[node.id] = [...node.checkpointFiles];
    }
    const pendingTimes = [...this.pending].sort((a, b) => a - b);
    const file = store.writeMetadata({
      checkpointTimeMs: t,
      kind,
      programHash: this.programHash,
      program: this.config.program.program,
      config: { batchIntervalMs: this.config.program.batchIntervalMs, maxPendingBatches: this.maxPending, zeroTimeMs: 0, clockStartWallMs: this.clockStartWallMs },
      pendingTimes,
      inputs,
      dataCheckpoints,
    });
    this.config.emit({ event: 'checkpoint-written', checkpointTimeMs: t, file, kind, pendingTimes });
  }

  get batchesCompleted(): number {
    return this.completed;
  }

  get inputBatchesRead(): number {
    let n = 0;
    for (const input of this.graph.inputs.values()) n += input.reads;
    return n;
  }

  /** The state of every stateful operation at its last valid time up to the input's end, and the
   *  last batch time with jobs. Both are derived from the graph, not from what this process happened
   *  to compute or complete: after a recovery whose last batches have no jobs (a slide longer than
   *  the batch), nothing is re-run, yet the final state must equal the failure-free run's. */
  finalState(): FinalState {
    const streams: Record<string, Value[]> = {};
    for (const [id, node] of this.graph.stateful) {
      const zero = node.zeroTimeMs!;
      const last = zero + Math.floor((this.endTimeMs - zero) / node.slideMs) * node.slideMs;
      const latest = last > zero ? node.getOrCompute(last) : undefined;
      // PROTOCOL.md 4.2: every stateful operation is listed; one with no valid time yet has no state.
      if (latest === undefined) {
        streams[id] = [];
        continue;
      }
      const data = node.toCheckpointData(latest.force());
      // mapWithState checkpoints { states: [key, state, updated], mapped }; its final state is [key, state].
      const states = node instanceof InternalMapWithStateDStream ? (data as { states: Value[][] }).states.map((e) => [e[0]!, e[1]!]) : data;
      streams[id] = sortCanonical(Array.isArray(states) ? states : []);
    }
    return { batchTimeMs: this.lastBatchWithJobsMs(), streams };
  }

  /** The last batch time up to the input's end at which some output operation has a job. */
  private lastBatchWithJobsMs(): number | null {
    for (let t = this.endTimeMs; t > 0; t -= this.config.program.batchIntervalMs) {
      if (this.graph.outputs.some((o) => o.generateJob(t) !== undefined)) return t;
    }
    return null;
  }

  finish(): void {
    this.config.sink.writeFinalState(this.finalState());
    this.config.emit({ event: 'done', batchesCompleted: this.completed, crashPoints: this.config.crash.count + 0, inputBatchesRead: this.inputBatchesRead, lastBatchTimeMs: this.lastCompletedMs });
  }
}
