// The records of one input stream, with arrival times shaped like a real source: steady batches,
// empty batches, bursts, records arriving exactly on a batch boundary (they belong to that batch:
// arrivalMs <= T), and late records. A late record holds up every record behind it, because
// arrival times never decrease along the offsets (validateInputLog): a stall, then a burst.

import * as fc from 'fast-check';
import type { Value } from '../../reference/program/value.js';
import type { InputRecord } from '../../reference/source/input-log.js';
import type { ScenarioConfig } from '../scenario.js';

/** Batch intervals generated past the last batch: records there exist but are never read. */
const SLOTS_PAST_END = 2;
const BURST_MIN = 8;
const BURST_MAX = 20;
const LATE_BATCHES_MAX = 2;

/** How one stream behaves; drawn per stream, so two inputs of a join can differ. */
export interface StreamShape {
  emptyWeight: number;
  burstWeight: number;
  lateWeight: number;
  boundaryWeight: number;
}

const shape: fc.Arbitrary<StreamShape> = fc.record({
  emptyWeight: fc.integer({ min: 0, max: 4 }),
  burstWeight: fc.integer({ min: 0, max: 2 }),
  lateWeight: fc.integer({ min: 0, max: 2 }),
  boundaryWeight: fc.integer({ min: 0, max: 3 }),
});

/** Where a record lands relative to the batch interval (T - batch, T] it is generated for. */
type Placement = { kind: 'inside'; atMs: number } | { kind: 'on-boundary' } | { kind: 'late'; atMs: number; batches: number };

function placement(batchMs: number, s: StreamShape): fc.Arbitrary<Placement> {
  const inside = fc.integer({ min: 1, max: batchMs - 1 });
  return weighted<Placement>([
    [20, inside.map((atMs) => ({ kind: 'inside', atMs }))],
    [s.boundaryWeight * 2, fc.constant({ kind: 'on-boundary' })],
    [s.lateWeight, fc.tuple(inside, fc.integer({ min: 1, max: LATE_BATCHES_MAX })).map(([atMs, batches]) => ({ kind: 'late', atMs, batches }))],
  ]);
}

export function inputStream(config: ScenarioConfig, value: fc.Arbitrary<Value>): fc.Arbitrary<InputRecord[]> {
  const batch = config.batchIntervalMs;
  const slots = config.batchCount + SLOTS_PAST_END;
  return shape.chain((s) => {
    const record = fc.tuple(value, placement(batch, s));
    const slot = weighted<Array<[Value, Placement]>>([
      [s.emptyWeight, fc.constant([])],
      [10, fc.array(record, { minLength: 1, maxLength: 4 })],
      [s.burstWeight, fc.array(record, { minLength: BURST_MIN, maxLength: BURST_MAX })],
    ]);
    return fc.array(slot, { minLength: slots, maxLength: slots }).map((perSlot) => toRecords(perSlot, batch));
  });
}

function toRecords(perSlot: Array<Array<[Value, Placement]>>, batch: number): InputRecord[] {
  const records: InputRecord[] = [];
  let last = 0;
  perSlot.forEach((slot, k) => {
    const start = k * batch; // the slot covers (start, start + batch]
    const intended = (p: Placement) => (p.kind === 'on-boundary' ? start + batch : start + p.atMs);
    // On-time records come in arrival order; a late one keeps its place in the offsets.
    const ordered = [...slot].sort((a, b) => intended(a[1]) - intended(b[1]));
    for (const [value, p] of ordered) {
      const arrival = p.kind === 'late' ? intended(p) + p.batches * batch : intended(p);
      last = Math.max(last, arrival);
      records.push({ offset: records.length, arrivalMs: last, value });
    }
  });
  return records;
}

/** fc.oneof over the entries whose weight is positive. */
function weighted<T>(entries: Array<[number, fc.Arbitrary<T>]>): fc.Arbitrary<T> {
  const kept = entries.filter(([w]) => w > 0).map(([weight, arbitrary]) => ({ weight, arbitrary }));
  return fc.oneof(...kept);
}
