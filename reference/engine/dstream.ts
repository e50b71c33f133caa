// The DStream: a stream that produces one lazily computed batch (an Rdd) per valid time, caches it
// in generatedRDDs until its remember duration passes, and may data-checkpoint some of them. The
// fields and rules mirror Spark's DStream.scala (initialize, remember, getOrCompute, slice,
// clearMetadata, updateCheckpointData) so that recovery needs exactly what Spark's needs.

import { sortCanonical, type Value } from '../program/value.js';
import { parallelSlices } from './parallel-slices.js';
import { Rdd } from './rdd.js';

export class EngineError extends Error {
  override name = 'EngineError';
}

/** Spark's default data-checkpoint interval: the smallest multiple of the slide that is at least 10 s. */
export const DEFAULT_CHECKPOINT_FLOOR_MS = 10_000;
/** Partitions of a batch whose partitioning no rule fixes: Spark's defaultParallelism under the
 *  local[2] master of its test suites (TestSuiteBase), also its numInputPartitions. */
export const DEFAULT_PARTITIONS = 2;

export abstract class DStream<T = Value[]> {
  readonly generatedRDDs = new Map<number, Rdd<T>>();
  zeroTimeMs: number | undefined;
  rememberDurationMs: number | undefined;
  checkpointDurationMs: number | undefined;
  /** Spark's mustCheckpoint: RDDs depend on this stream's own earlier RDDs. */
  mustCheckpoint = false;
  /** The data checkpoint files of the latest update (Spark's currentCheckpointFiles). */
  readonly checkpointFiles = new Map<number, string>();

  constructor(
    /** Unique node id: the program's stream id, or "<id>#<part>" for internal nodes. */
    readonly id: string,
    readonly slideMs: number,
    readonly dependencies: DStream<unknown>[],
  ) {}

  /** Creates (lazily) the RDD for a valid time. */
  protected abstract compute(t: number): Rdd<T> | undefined;

  /** How long parents must remember their RDDs for this stream (windows need more). */
  parentRememberDurationMs(): number {
    return this.rememberDurationMs!;
  }

  /** Default data-checkpoint interval when this stream must checkpoint and none was set. */
  defaultCheckpointDurationMs(): number {
    return this.slideMs * Math.ceil(DEFAULT_CHECKPOINT_FLOOR_MS / this.slideMs);
  }

  isTimeValid(t: number): boolean {
    const zero = this.zeroTimeMs!;
    return t > zero && (t - zero) % this.slideMs === 0;
  }

  getOrCompute(t: number): Rdd<T> | undefined {
    const cached = this.generatedRDDs.get(t);
    if (cached !== undefined) return cached;
    if (!this.isTimeValid(t)) return undefined;
    const rdd = this.compute(t);
    if (rdd !== undefined) {
      if (this.checkpointDurationMs !== undefined && (t - this.zeroTimeMs!) % this.checkpointDurationMs === 0) {
        rdd.markedForCheckpoint = true;
      }
      this.generatedRDDs.set(t, rdd);
    }
    return rdd;
  }

  /** The batch at t cut into partitions (SEMANTICS.md "Partitions"). By default the records in
   *  canonical order, cut into DEFAULT_PARTITIONS contiguous slices; inputs, element-wise operations,
   *  union, glom, mapPartitions and repartition override it. Only partition-dependent operations
   *  (glom, mapPartitions, repartition) ask, so no other operation pays for it. */
  partitionsAt(t: number): Rdd<Value[][]> | undefined {
    const rdd = this.getOrCompute(t);
    if (rdd === undefined) return undefined;
    return new Rdd(() => parallelSlices(sortCanonical(rdd.force() as unknown as Value[]), DEFAULT_PARTITIONS));
  }

  /** The RDDs at from..to (inclusive, aligned down to the slide grid), skipping times <= zero. */
  slice(fromMs: number, toMs: number): Rdd<T>[] {
    const zero = this.zeroTimeMs!;
    const align = (t: number) => zero + Math.floor((t - zero) / this.slideMs) * this.slideMs;
    const out: Rdd<T>[] = [];
    for (let t = align(fromMs); t <= align(toMs); t += this.slideMs) {
      if (t < zero) continue;
      const rdd = this.getOrCompute(t);
      if (rdd !== undefined) out.push(rdd);
    }
    return out;
  }

  initialize(zeroTimeMs: number): void {
    if (this.zeroTimeMs !== undefined && this.zeroTimeMs !== zeroTimeMs) {
      throw new EngineError(`stream ${this.id} initialized with zero time ${zeroTimeMs} after ${this.zeroTimeMs}`);
    }
    this.zeroTimeMs = zeroTimeMs;
    if (this.mustCheckpoint && this.checkpointDurationMs === undefined) this.checkpointDurationMs = this.defaultCheckpointDurationMs();
    let minRemember = this.slideMs;
    if (this.checkpointDurationMs !== undefined && minRemember <= this.checkpointDurationMs) minRemember = this.checkpointDurationMs * 2;
    if (this.rememberDurationMs === undefined || this.rememberDurationMs < minRemember) this.rememberDurationMs = minRemember;
    for (const d of this.dependencies) d.initialize(zeroTimeMs);
  }

  remember(durationMs: number | undefined): void {
    if (durationMs !== undefined && (this.rememberDurationMs === undefined || durationMs > this.rememberDurationMs)) {
      this.rememberDurationMs = durationMs;
    }
    for (const d of this.dependencies) d.remember(this.parentRememberDurationMs());
  }

  /** Spark's validateAtStart checks on durations (the program validator already refused most). */
  validateAtStart(): void {
    const cp = this.checkpointDurationMs;
    if (cp !== undefined) {
      if (cp < this.slideMs || cp % this.slideMs !== 0) {
        throw new EngineError(`stream ${this.id}: checkpoint interval ${cp} ms must be a multiple of the slide duration ${this.slideMs} ms`);
      }
      if (this.rememberDurationMs! <= cp) throw new EngineError(`stream ${this.id}: remember duration must exceed the checkpoint interval`);
    }
    for (const d of this.dependencies) d.validateAtStart();
  }

  /** Forgets RDDs older than the remember duration (at batch completion), here and upstream. */
  clearMetadata(t: number): void {
    for (const time of [...this.generatedRDDs.keys()]) {
      if (time <= t - this.rememberDurationMs!) this.generatedRDDs.delete(time);
    }
    for (const d of this.dependencies) d.clearMetadata(t);
  }

  /** Records which generated RDDs have data checkpoint files; replaced only when there are some. */
  updateCheckpointData(): void {
    let files: [number, string][] | undefined;
    for (const [t, r] of this.generatedRDDs) if (r.checkpointFile !== undefined) (files ??= []).push([t, r.checkpointFile]);
    if (files !== undefined) {
      this.checkpointFiles.clear();
      for (const [t, f] of files.sort((a, b) => a[0] - b[0])) this.checkpointFiles.set(t, f);
    }
    for (const d of this.dependencies) d.updateCheckpointData();
  }

  /** The data a checkpoint of this stream's RDD holds, as JSON. */
  toCheckpointData(data: T): Value {
    return data as unknown as Value;
  }

  fromCheckpointData(json: Value): T {
    if (!Array.isArray(json)) throw new EngineError(`stream ${this.id}: data checkpoint holds ${typeof json}, expected a list of records`);
    return json as unknown as T;
  }
}
