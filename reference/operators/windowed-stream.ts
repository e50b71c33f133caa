// window(W, S): at a valid time T, the union of the parent's batches at T - W + ps .. T
// (Spark's WindowedDStream). Parents must remember W longer than they otherwise would.

import type { Value } from '../program/value.js';
import { DStream, EngineError } from '../engine/dstream.js';
import { Rdd } from '../engine/rdd.js';

export class WindowedDStream extends DStream<Value[]> {
  constructor(id: string, private readonly parent: DStream<Value[]>, readonly windowMs: number, slideMs: number) {
    super(id, slideMs, [parent as DStream<unknown>]);
    if (windowMs % parent.slideMs !== 0) throw new EngineError(`${id}: the window duration of windowed DStream must be a multiple of the slide duration of parent DStream`);
    if (slideMs % parent.slideMs !== 0) throw new EngineError(`${id}: the slide duration of windowed DStream must be a multiple of the slide duration of parent DStream`);
  }

  override parentRememberDurationMs(): number {
    return this.rememberDurationMs! + this.windowMs;
  }

  protected compute(t: number): Rdd<Value[]> {
    const rdds = this.parent.slice(t - this.windowMs + this.parent.slideMs, t);
    return new Rdd(() => rdds.flatMap((r) => r.force()));
  }
}
