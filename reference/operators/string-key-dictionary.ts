// reduceByKey's cache of the string keys it has seen, kept across batches: each key's id
// (string-ids.ts) and canonical text, so that a batch's results come out in canonical order, with
// their texts, without a comparison sort of its records, and so that word count finds a word from
// the characters of its line without cutting a string out of it first. Ids are ranks: the keys are
// numbered in canonical order, and keys first seen since the last ranking wait in a pool with the
// ids after them; so a batch's results are its ranked ids in increasing order with its pool keys
// merged in, and building them reads every array indexed by id front to back. What a batch folds
// lives in arrays indexed by id; word count only counts each word (its values are all 1) and folds
// the ones at the end. Upkeep is proportional to the batch, not to the vocabulary: a batch sorts
// only the pool keys it folded and merges them into its ranked ones by binary search; the pool is
// ranked (a merge over every key, and a renumbering of every array) once it holds an eighth as many
// keys as are ranked, or once the binary searches since the last ranking took as many steps as the
// merge would, so each key costs a bounded number of merge steps however large the vocabulary
// grows. A cache only: it carries no values from one batch to the next, is bounded and starts over
// when full, and is never checkpointed, so a batch's records do not depend on what it holds.

import type { ReduceFn } from '../program/functions.js';
import { canonical, type CanonicalRecords, type Value } from '../program/value.js';
import { PairCache } from './pair-cache.js';
import { PairTextWriter } from './pair-text-writer.js';
import { grown, StringIds } from './string-ids.js';

/** Keys kept at most, and their characters together; past either the cache starts over. */
const KEYS_MAX = 1 << 20;
const KEY_CHARS_MAX = 1 << 26;
/** The pool of unranked keys is ranked into the list once it holds 1/POOL_FRACTION as many keys. */
const POOL_FRACTION = 8;
/** A batch that folded at least 1/DENSE_FRACTION of the ranked keys finds them by a scan of marks
 *  over every ranked id (sequential bytes), a sparser one by sorting its ids. */
const DENSE_FRACTION = 32;
/** Keys the arrays indexed by id hold at start; they double when full. */
const IDS_MIN = 1024;

/** What the current batch folds: lines of words (each word's value is 1: counted, folded at the
 *  end), or [key, value] pairs (folded as they come). One batch does not mix them. */
type BatchKind = 'none' | 'words' | 'pairs';

export class StringKeyDictionary {
  private ids = new StringIds();
  /** The ids whose keys the arrays below know of: 0 to known - 1. */
  private known = 0;
  /** The ids of a line's words (foldWords). */
  private lineIds = new Int32Array(64);
  /** Per id: the head of the canonical text of the key's result record, '[' + canonical(key) + ','.
   *  Distinct for distinct keys, and ordered as the keys' canonical texts are, so they order the
   *  results: two distinct texts differ at a character before either ends (a JSON string's text is
   *  never a prefix of another's), so the '[' before and the ',' after change no comparison. */
  private heads: string[] = [];
  /** The same heads as bytes, which write a batch's texts (the heads above order the keys). */
  private writer = new PairTextWriter();
  /** The batches' result records with small integer values, made once. */
  private pairs = new PairCache(this.ids);
  /** Ids below this are ranked (an id is its key's position in canonical order among them); the ids
   *  from here to `known` are the pool, in no order. */
  private ranked = 0;
  /** Binary search steps that placed pool keys among ranked ones since the last ranking. */
  private poolSearchSteps = 0;
  /** One byte per ranked id, for the dense scan; all zero between batches. */
  private marks = new Uint8Array(0);
  /** Per id: how many values of the key the batch folded; 0 for a key not in the batch. A float, as
   *  a batch could hold more than 2^31 words; it stays exact up to 2^53. */
  private counts = new Float64Array(IDS_MIN);
  /** Per id: the fold of the key's values so far (pair batches only; null otherwise). */
  private accs: Value[] = [];
  /** Room for touchedInOrder's results, reused by every batch. */
  private rankedScratch = new Int32Array(IDS_MIN);
  private mergedScratch = new Int32Array(IDS_MIN);
  /** The ids the batch folded, in first-seen order: touched[0, touchedCount). */
  private touched = new Int32Array(IDS_MIN);
  private touchedCount = 0;
  private kind: BatchKind = 'none';

  /** `f` is reduceByKey's function, which every batch folds with; `ones`, where known, the closed
   *  form of f's fold of n values 1 (functions.ts's foldOfOnes), which word count's batches take
   *  instead of folding their ones one by one. */
  constructor(
    private readonly f: ReduceFn,
    private readonly ones?: (n: number) => Value,
  ) {}

  /** Starts a batch: forgets the values of the last one (also of one that failed half way). */
  begin(): void {
    this.forgetBatch();
    if (this.ids.size >= KEYS_MAX || this.ids.charCount >= KEY_CHARS_MAX) {
      this.ids = new StringIds();
      this.known = 0;
      this.heads = [];
      this.writer = new PairTextWriter();
      this.pairs = new PairCache(this.ids);
      this.ranked = 0;
      this.poolSearchSteps = 0;
      this.marks = new Uint8Array(0);
      this.counts = new Float64Array(IDS_MIN);
      this.accs = [];
    }
  }

  /** reduceByKey's fold of one pair: the first value of a key in the batch, else f(acc, value). */
  fold(key: string, value: Value): void {
    this.expect('pairs');
    const id = this.ids.idOf(key);
    if (id === this.known) this.register(id);
    const count = this.counts[id]!;
    this.counts[id] = count + 1;
    if (count === 0) {
      this.touch(id);
      this.accs[id] = value;
    } else this.accs[id] = this.f(this.accs[id]!, value);
  }

  /** Folds [word, 1] for every word of the line: split-words, then pair-with-one. */
  foldWords(line: string): void {
    this.expect('words');
    if (2 * this.lineIds.length < line.length + 1) this.lineIds = new Int32Array(line.length + 1);
    const words = this.ids.wordIds(line, this.lineIds);
    while (this.known < this.ids.size) this.register(this.known);
    for (let w = 0; w < words; w++) {
      const id = this.lineIds[w]!;
      const count = this.counts[id]!;
      this.counts[id] = count + 1;
      if (count === 0) this.touch(id);
    }
  }

  /** Ends the batch: [key, value] for every key it folded, in canonical order, with their texts
   *  joined. */
  end(): CanonicalRecords {
    const order = this.touchedInOrder();
    const words = this.kind === 'words';
    const records: Value[] = new Array(order.length);
    const writer = this.writer;
    writer.begin();
    let written = true;
    for (let k = 0; k < order.length; k++) {
      const id = order[k]!;
      const value = words ? this.foldOnes(this.counts[id]!) : this.accs[id]!;
      records[k] = this.pairs.pair(id, value);
      if (written) written = writer.add(id, value);
    }
    const joinedTexts = written ? writer.joined() : this.concatenatedTexts(order, records);
    this.forgetBatch();
    return { records, joinedTexts };
  }

  /** The records' texts joined, each the concatenation of its key's head, its value's text and ']'
   *  (the canonical text of a two-element array is its elements' texts in brackets). */
  private concatenatedTexts(order: Int32Array, records: readonly Value[]): string {
    const texts: string[] = new Array(order.length);
    for (let k = 0; k < order.length; k++) texts[k] = `${this.heads[order[k]!]!}${canonical((records[k] as Value[])[1]!)}]`;
    return texts.join(',');
  }

  /** The fold of `count` values 1 in the order the general path folds a key's values: the first,
   *  then f(acc, 1) for each further one. */
  private foldOnes(count: number): Value {
    if (this.ones !== undefined) return this.ones(count);
    let acc: Value = 1;
    for (let k = 1; k < count; k++) acc = this.f(acc, 1);
    return acc;
  }

  private expect(kind: BatchKind): void {
    if (this.kind === kind) return;
    if (this.kind !== 'none') throw new Error(`string-key dictionary: a batch of ${this.kind} was given ${kind}`);
    this.kind = kind;
  }

  private touch(id: number): void {
    if (this.touchedCount === this.touched.length) this.touched = grown(this.touched, this.touchedCount + 1);
    this.touched[this.touchedCount++] = id;
  }

  private forgetBatch(): void {
    for (let t = 0; t < this.touchedCount; t++) {
      const id = this.touched[t]!;
      this.counts[id] = 0;
      this.accs[id] = null;
    }
    this.touchedCount = 0;
    this.kind = 'none';
  }

  /** Takes in the key of a new id (the next after `known`); it waits in the pool until the next
   *  ranking. */
  private register(id: number): void {
    const key = this.ids.string(id);
    this.known = id + 1;
    if (id >= this.counts.length) this.counts = grown(this.counts, id + 1);
    const head = `[${canonical(key)},`;
    this.heads.push(head);
    this.writer.addHead(head);
    this.accs.push(null);
  }

  /** The ids the batch folded, in canonical order of their keys. */
  private touchedInOrder(): Int32Array {
    const pooled = this.known - this.ranked;
    if (pooled * POOL_FRACTION > this.ranked || this.poolSearchSteps > this.ranked) this.rank();
    const touched = this.touched.subarray(0, this.touchedCount);
    let fresh = 0;
    for (let t = 0; t < touched.length; t++) if (touched[t]! >= this.ranked) fresh += 1;
    const ranked = this.rankedInOrder(touched, touched.length - fresh);
    return fresh === 0 ? ranked : this.mergePooled(ranked, touched, fresh);
  }

  /** The touched ids that are ranked (n of them), in increasing order. */
  private rankedInOrder(touched: Int32Array, n: number): Int32Array {
    if (this.rankedScratch.length < n) this.rankedScratch = grown(this.rankedScratch, n);
    const out = this.rankedScratch.subarray(0, n);
    if (n === 0) return out;
    const ranked = this.ranked;
    if (n * DENSE_FRACTION >= ranked) {
      if (this.marks.length < ranked) this.marks = new Uint8Array(ranked);
      const marks = this.marks;
      for (let t = 0; t < touched.length; t++) if (touched[t]! < ranked) marks[touched[t]!] = 1;
      let j = 0;
      for (let id = 0; j < n; id++) {
        if (marks[id] === 0) continue;
        marks[id] = 0;
        out[j++] = id;
      }
    } else {
      let j = 0;
      for (let t = 0; t < touched.length; t++) if (touched[t]! < ranked) out[j++] = touched[t]!;
      out.sort();
    }
    return out;
  }

  /** The ranked ids and the touched pool ids (`fresh` of them) together, in canonical order: each
   *  pool id's place among the ranked ones is found by binary search of the heads. */
  private mergePooled(ranked: Int32Array, touched: Int32Array, fresh: number): Int32Array {
    const heads = this.heads;
    const pooled: number[] = [];
    for (let t = 0; t < touched.length; t++) if (touched[t]! >= this.ranked) pooled.push(touched[t]!);
    pooled.sort(this.byHead);
    if (this.mergedScratch.length < ranked.length + fresh) this.mergedScratch = grown(this.mergedScratch, ranked.length + fresh);
    const out = this.mergedScratch.subarray(0, ranked.length + fresh);
    let k = 0;
    let i = 0;
    for (const p of pooled) {
      // The first ranked id at or after i whose head is greater than p's (heads are distinct).
      const head = heads[p]!;
      let lo = i;
      let hi = ranked.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (heads[ranked[mid]!]! < head) lo = mid + 1;
        else hi = mid;
        this.poolSearchSteps += 1;
      }
      while (i < lo) out[k++] = ranked[i++]!;
      out[k++] = p;
    }
    out.set(ranked.subarray(i), k);
    return out;
  }

  /** Merges the pool into the ranked keys and renumbers every key by its rank, in every array
   *  indexed by id (the batch's touched ids too: this runs as its results are built). */
  private rank(): void {
    const heads = this.heads;
    const fresh: number[] = [];
    for (let id = this.ranked; id < this.known; id++) fresh.push(id);
    fresh.sort(this.byHead);
    // order[rank] = the id that gets it; the ranked ids keep their order.
    const order = new Int32Array(this.known);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < this.ranked && j < fresh.length) order[k++] = heads[i]! < heads[fresh[j]!]! ? i++ : fresh[j++]!;
    while (i < this.ranked) order[k++] = i++;
    while (j < fresh.length) order[k++] = fresh[j++]!;
    const renumbered = new Int32Array(this.known);
    for (let r = 0; r < order.length; r++) renumbered[order[r]!] = r;
    this.ids.renumber(order, renumbered);
    this.writer.renumber(order);
    this.pairs.renumber(order);
    const newHeads: string[] = new Array(order.length);
    const accs: Value[] = new Array(order.length);
    const counts = new Float64Array(this.counts.length);
    for (let r = 0; r < order.length; r++) {
      const id = order[r]!;
      newHeads[r] = heads[id]!;
      accs[r] = this.accs[id]!;
      counts[r] = this.counts[id]!;
    }
    this.heads = newHeads;
    this.accs = accs;
    this.counts = counts;
    for (let t = 0; t < this.touchedCount; t++) this.touched[t] = renumbered[this.touched[t]!]!;
    this.ranked = this.known;
    this.poolSearchSteps = 0;
  }

  /** Heads of distinct keys are distinct: no tie to break. */
  private readonly byHead = (a: number, b: number): number => (this.heads[a]! < this.heads[b]! ? -1 : 1);
}
