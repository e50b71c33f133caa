// The [key, value] records of reduceByKey's string-key dictionary whose value is a small positive
// integer (word counts), made once and handed out again by later batches. Otherwise word count makes
// a new record for nearly every key in every batch, and an in-memory run keeps every output, so the
// young-generation collector copies each record twice on its way to the old generation: measured,
// a third of the run. Records are never changed once made, so one record can stand in the outputs of
// several batches, as a window's records already stand in several windows.

import type { Value } from '../program/value.js';
import type { StringIds } from './string-ids.js';

/** Values cached: the integers 1 to VALUES - 1 (a word's count in a batch is mostly small). */
const VALUES = 8;
/** Keys with records cached: ids below IDS_CACHED (bounds the cache's memory). */
const IDS_CACHED = 1 << 15;

export class PairCache {
  /** Key id's record with value v at records[id * VALUES + v], once made; the array grows by whole
   *  keys, so it is read front to back as the dictionary builds a batch's results in id order. */
  private records: (Value | undefined)[] = [];

  /** `ids` names the keys. */
  constructor(private readonly ids: StringIds) {}

  /** The record [key of id, value]. */
  pair(id: number, value: Value): Value {
    if (typeof value !== 'number' || !(value >= 1 && value < VALUES) || !Number.isInteger(value) || id >= IDS_CACHED) return [this.ids.string(id), value];
    const at = id * VALUES + value;
    const cached = this.records[at];
    if (cached !== undefined) return cached;
    while (this.records.length <= at) this.records.push(undefined);
    return (this.records[at] = [this.ids.string(id), value]);
  }

  /** Gives every key a new id: the one with id order[i] gets i. */
  renumber(order: Int32Array): void {
    const ids = Math.min(order.length, IDS_CACHED);
    const records: (Value | undefined)[] = new Array(ids * VALUES);
    for (let i = 0; i < ids; i++) {
      const from = order[i]! * VALUES;
      if (from >= this.records.length) continue;
      for (let v = 1; v < VALUES; v++) records[i * VALUES + v] = this.records[from + v];
    }
    this.records = records;
  }
}
