// reduceByKey's cache of the string keys it has seen, kept across batches: each key's canonical text
// and rank in canonical order, so that a batch's results come out in canonical order without a
// comparison sort of its records, and so that word count finds a word from the characters of its
// line without cutting a string out of it first. Upkeep is proportional to the batch, not to the
// vocabulary: keys first seen since the last ranking wait in a pool, and a batch sorts only the pool
// keys it folded and merges them into its ranked ones; the pool is ranked into the whole list (a
// merge over every key) only once it holds an eighth as many keys as the list, so each key costs a
// bounded number of merge steps however large the vocabulary grows. A cache only: it carries no
// values from one batch to the next, is bounded and starts over when full, and is never
// checkpointed, so a batch's records do not depend on what it holds.

import { isSpace, type ReduceFn } from '../program/functions.js';
import { canonical, type Value } from '../program/value.js';

/** Keys kept at most; past this the cache starts over (bounds its memory by key count). */
const KEYS_MAX = 1 << 20;
/** The pool of unranked keys is ranked into the list once it holds 1/POOL_FRACTION as many keys. */
const POOL_FRACTION = 8;
/** A batch that folded at least 1/DENSE_FRACTION of the ranked keys finds them by a scan of marks
 *  over every rank (sequential bytes), a sparser one by sorting its ranks. */
const DENSE_FRACTION = 32;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

interface Slot {
  readonly key: string;
  readonly hash: number;
  /** The key's canonical text; as keys are distinct, so are these, and they order the results. */
  readonly text: string;
  /** Position in canonical order among the ranked keys (-1 while the key waits in the pool). */
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
  /** Keys added since the last ranking (rank -1), in no order. */
  private pool: Slot[] = [];
  /** One byte per rank, for the dense scan; all zero between batches. */
  private marks = new Uint8Array(0);
  private stamp = 0;
  private touched: Slot[] = [];

  /** Starts a batch: forgets the values of the last one (also of one that failed half way). */
  begin(): void {
    if (this.slots.length >= KEYS_MAX) {
      this.byKey = new Map();
      this.table = new Int32Array(1024).fill(-1);
      this.slots = [];
      this.ordered = [];
      this.pool = [];
      this.marks = new Uint8Array(0);
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
    if (this.pool.length * POOL_FRACTION > this.ordered.length) this.rank();
    const touched = this.touched;
    this.touched = [];
    // The batch's ranked keys in rank order, and its pool keys (sorted by text, few) merged in.
    let fresh = 0;
    for (const slot of touched) if (slot.rank < 0) fresh += 1;
    const ranked = this.rankedInOrder(touched, touched.length - fresh);
    if (fresh > 0) return this.mergePooled(ranked, touched, fresh);
    const out: Value[] = new Array(ranked.length);
    for (let i = 0; i < ranked.length; i++) out[i] = [ranked[i]!.key, ranked[i]!.acc];
    return out;
  }

  /** The touched slots that have a rank (n of them), in rank order. */
  private rankedInOrder(touched: readonly Slot[], n: number): Slot[] {
    const out: Slot[] = new Array(n);
    if (n === 0) return out;
    const ordered = this.ordered;
    if (n * DENSE_FRACTION >= ordered.length) {
      if (this.marks.length < ordered.length) this.marks = new Uint8Array(ordered.length);
      const marks = this.marks;
      for (const slot of touched) if (slot.rank >= 0) marks[slot.rank] = 1;
      let j = 0;
      for (let r = 0; j < n; r++) {
        if (marks[r] === 0) continue;
        marks[r] = 0;
        out[j++] = ordered[r]!;
      }
    } else {
      const ranks = new Int32Array(n);
      let j = 0;
      for (const slot of touched) if (slot.rank >= 0) ranks[j++] = slot.rank;
      ranks.sort();
      for (let i = 0; i < n; i++) out[i] = ordered[ranks[i]!]!;
    }
    return out;
  }

  /** [key, value] of the ranked slots and of the touched pool slots (`fresh` of them), in canonical
   *  order: each pool slot's place among the ranked ones is found by binary search of the texts. */
  private mergePooled(ranked: readonly Slot[], touched: readonly Slot[], fresh: number): Value[] {
    const pooled: Slot[] = [];
    for (const slot of touched) if (slot.rank < 0) pooled.push(slot);
    pooled.sort(byText);
    const out: Value[] = new Array(ranked.length + fresh);
    let k = 0;
    let i = 0;
    for (const p of pooled) {
      // The first ranked slot at or after i whose text is greater than p's (texts are distinct).
      let lo = i;
      let hi = ranked.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ranked[mid]!.text < p.text) lo = mid + 1;
        else hi = mid;
      }
      while (i < lo) {
        const r = ranked[i++]!;
        out[k++] = [r.key, r.acc];
      }
      out[k++] = [p.key, p.acc];
    }
    while (i < ranked.length) {
      const r = ranked[i++]!;
      out[k++] = [r.key, r.acc];
    }
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
    this.pool.push(slot);
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

  /** Merges the pool into the ranked list, and renumbers it. */
  private rank(): void {
    const fresh = this.pool.sort(byText);
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
    this.pool = [];
  }
}

/** Canonical texts of distinct keys are distinct: no tie to break. */
const byText = (a: Slot, b: Slot): number => (a.text < b.text ? -1 : 1);
