// window(W, S): at a valid time T, the union of the parent's batches at T - W + ps .. T
// (Spark's WindowedDStream). Parents must remember W longer than they otherwise would. With a lag L
// it is the slice op, the parent's batches at T - L - W + ps .. T - L (DStream.slice with times
// relative to T), and parents remember W + L longer.

import type { Value } from '../program/value.js';
import { DStream, EngineError } from '../engine/dstream.js';
import { Rdd } from '../engine/rdd.js';

export class WindowedDStream extends DStream<Value[]> {
  constructor(id: string, private readonly parent: DStream<Value[]>, readonly windowMs: number, slideMs: number, readonly lagMs = 0) {
    super(id, slideMs, [parent as DStream<unknown>]);
    if (windowMs % parent.slideMs !== 0) throw new EngineError(`${id}: the window duration of windowed DStream must be a multiple of the slide duration of parent DStream`);
    if (slideMs % parent.slideMs !== 0) throw new EngineError(`${id}: the slide duration of windowed DStream must be a multiple of the slide duration of parent DStream`);
  }

  override parentRememberDurationMs(): number {
    return this.rememberDurationMs! + this.windowMs + this.lagMs;
  }

  protected compute(t: number): Rdd<Value[]> {
    const end = t - this.lagMs;
    const rdds = this.parent.slice(end - this.windowMs + this.parent.slideMs, end);
    return new Rdd(() => rdds.flatMap((r) => r.force()));
  }
}
