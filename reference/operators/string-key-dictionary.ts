// reduceByKey's cache of the string keys it has seen, kept across batches: each key's canonical text
// and rank in canonical order, so that a batch's results come out in canonical order without a
// comparison sort of records (the batch's ranks are sorted as integers, or the ranked keys scanned),
// and so that word count finds a word from the characters of its line without cutting a string out of
// it first. A cache only: it carries no values from one batch to the next, is bounded and starts over
// when full, and is never checkpointed, so a batch's records do not depend on what it holds.

import { isSpace, type ReduceFn } from '../program/functions.js';
import { canonical, type Value } from '../program/value.js';

/** Keys kept at most; past this the cache starts over (bounds its memory by key count). */
const KEYS_MAX = 1 << 20;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

interface Slot {
  readonly key: string;
  readonly hash: number;
  /** The key's canonical text; as keys are distinct, so are these, and they order the results. */
  readonly text: string;
  /** Position in canonical order among the ranked keys (-1 until the batch that added it ends). */
  rank: number;
  /** The batch whose value `acc` holds; an older stamp means the key has no value in this batch. */
  stamp: number;
  acc: Value;
}

function hashOf(s: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

export class StringKeyDictionary {
  private byKey = new Map<string, Slot>();
  /** Open addressing over `slots` by hash, for looking a word up by the characters of its line. */
  private table = new Int32Array(1024).fill(-1);
  private slots: Slot[] = [];
  /** Ranked slots in canonical order of their texts: ordered[slot.rank] === slot. */
  private ordered: Slot[] = [];
  private unranked: Slot[] = [];
  private stamp = 0;
  private touched: Slot[] = [];

  /** Starts a batch: forgets the values of the last one (also of one that failed half way). */
  begin(): void {
    if (this.slots.length >= KEYS_MAX) {
      this.byKey = new Map();
      this.table = new Int32Array(1024).fill(-1);
      this.slots = [];
      this.ordered = [];
      this.unranked = [];
    }
    this.stamp += 1;
    this.touched = [];
  }

  /** reduceByKey's fold of one pair: the first value of a key in the batch, else f(acc, value). */
  fold(key: string, value: Value, f: ReduceFn): void {
    this.foldInto(this.byKey.get(key) ?? this.insert(key, hashOf(key, 0, key.length)), value, f);
  }

  /** Folds [word, 1] for every word of the line, in order: split-words (words are the runs of
   *  characters that are not white space, as functions.ts's isSpace says), then pair-with-one. */
  foldWords(line: string, f: ReduceFn): void {
    const n = line.length;
    let i = 0;
    while (i < n) {
      let c = line.charCodeAt(i);
      if (isSpace(c)) {
        i += 1;
        continue;
      }
      const start = i;
      let h = FNV_OFFSET;
      for (;;) {
        h = Math.imul(h ^ c, FNV_PRIME);
        i += 1;
        if (i >= n) break;
        c = line.charCodeAt(i);
        if (isSpace(c)) break;
      }
      this.foldInto(this.find(line, start, i, h) ?? this.insert(line.slice(start, i), h), 1, f);
    }
  }

  /** Ends the batch: [key, value] for every key it folded, in canonical order. */
  end(): Value[] {
    if (this.unranked.length > 0) this.rank();
    const touched = this.touched;
    const n = touched.length;
    const out: Value[] = new Array(n);
    if (n * 16 >= this.ordered.length) {
      // Most known keys are in this batch: pick them out of the ranked list.
      let j = 0;
      for (const slot of this.ordered) if (slot.stamp === this.stamp) out[j++] = [slot.key, slot.acc];
    } else {
      const ranks = new Int32Array(n);
      for (let i = 0; i < n; i++) ranks[i] = touched[i]!.rank;
      ranks.sort();
      for (let i = 0; i < n; i++) {
        const slot = this.ordered[ranks[i]!]!;
        out[i] = [slot.key, slot.acc];
      }
    }
    this.touched = [];
    return out;
  }

  private foldInto(slot: Slot, value: Value, f: ReduceFn): void {
    if (slot.stamp !== this.stamp) {
      slot.stamp = this.stamp;
      slot.acc = value;
      this.touched.push(slot);
    } else slot.acc = f(slot.acc, value);
  }

  private find(line: string, start: number, end: number, hash: number): Slot | undefined {
    const mask = this.table.length - 1;
    const len = end - start;
    for (let j = hash & mask; ; j = (j + 1) & mask) {
      const e = this.table[j]!;
      if (e < 0) return undefined;
      const slot = this.slots[e]!;
      if (slot.hash !== hash || slot.key.length !== len) continue;
      let q = 0;
      while (q < len && slot.key.charCodeAt(q) === line.charCodeAt(start + q)) q += 1;
      if (q === len) return slot;
    }
  }

  private insert(key: string, hash: number): Slot {
    const slot: Slot = { key, hash, text: canonical(key), rank: -1, stamp: 0, acc: null };
    this.slots.push(slot);
    this.byKey.set(key, slot);
    this.unranked.push(slot);
    if (this.slots.length * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.place(this.slots.length - 1);
    return slot;
  }

  private place(e: number): void {
    const mask = this.table.length - 1;
    let j = this.slots[e]!.hash & mask;
    while (this.table[j]! >= 0) j = (j + 1) & mask;
    this.table[j] = e;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size).fill(-1);
    for (let e = 0; e < this.slots.length; e++) this.place(e);
  }

  /** Merges the keys added since the last batch into the ranked list, and renumbers it. */
  private rank(): void {
    const fresh = this.unranked.sort((a, b) => (a.text < b.text ? -1 : 1));
    const old = this.ordered;
    const merged: Slot[] = new Array(old.length + fresh.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < fresh.length) merged[k++] = old[i]!.text < fresh[j]!.text ? old[i++]! : fresh[j++]!;
    while (i < old.length) merged[k++] = old[i++]!;
    while (j < fresh.length) merged[k++] = fresh[j++]!;
    for (let r = 0; r < merged.length; r++) merged[r]!.rank = r;
    this.ordered = merged;
    this.unranked = [];
  }
}
