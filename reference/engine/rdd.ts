// A lazily computed, memoised batch of data: the stand-in for a Spark RDD. Created when a batch is
// generated (fixing its lineage), computed when a job first needs it, and possibly replaced by data
// read back from a data checkpoint, which truncates its lineage.

export class Rdd<T> {
  private thunk: (() => T) | undefined;
  private value: T | undefined;
  private computed = false;
  /** Set when the stream marked this RDD for data checkpointing at generation (Spark's rdd.checkpoint()). */
  markedForCheckpoint = false;
  /** The data checkpoint file (relative to the checkpoint directory) once written or restored. */
  checkpointFile: string | undefined;

  constructor(thunk: () => T) {
    this.thunk = thunk;
  }

  static of<T>(value: T, checkpointFile?: string): Rdd<T> {
    const rdd = new Rdd<T>(() => value);
    rdd.force();
    rdd.checkpointFile = checkpointFile;
    return rdd;
  }

  get isComputed(): boolean {
    return this.computed;
  }

  force(): T {
    if (!this.computed) {
      this.value = this.thunk!();
      this.computed = true;
      this.thunk = undefined; // drop the lineage: parents can be collected
    }
    return this.value as T;
  }
}
