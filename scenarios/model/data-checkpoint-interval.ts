// The data-checkpoint interval of a stream, computed by the model itself from the program, because
// it changes what mapWithState emits (timeouts are only processed on checkpointed batches).
// Sources: DStream.initialize (default for mustCheckpoint streams) and
// InternalMapWithStateDStream.initialize (mapWithState's own default), apache/spark streaming/src/main.

import type { StreamInfo } from '../../reference/program/validate.js';

/** Milliseconds between data checkpoints of the stream, or undefined when it is never checkpointed. */
export function dataCheckpointIntervalMs(stream: StreamInfo): number | undefined {
  const op = stream.operation;
  if (op?.checkpointIntervalMs !== undefined) return op.checkpointIntervalMs;
  // mapWithState: `checkpointDuration = slideDuration * DEFAULT_CHECKPOINT_DURATION_MULTIPLIER` (10),
  // where slideDuration is the internal stream's, i.e. the parent's slide
  // (dstream/MapWithStateDStream.scala). SEMANTICS.md says 10 x batchIntervalMs; the two differ
  // only when the parent slides slower than the batch (e.g. mapWithState on a window).
  if (op?.op === 'mapWithState') return 10 * stream.slideMs;
  // DStream.initialize: `slideDuration * math.ceil(Seconds(10) / slideDuration).toInt`.
  if (stream.mustCheckpoint) return stream.slideMs * Math.ceil(10_000 / stream.slideMs);
  return undefined;
}
