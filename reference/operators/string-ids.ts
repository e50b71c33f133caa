// Dense ids (0, 1, 2, ...) for distinct strings, found from a string's characters where they lie (a
// word inside its line) without cutting it out first. Word count looks up every word of its input
// here, and at a vocabulary of 10k words a lookup's time goes more to reading memory than to
// computing, so a lookup of a short word reads one 16-byte bucket and nothing else: the hash, the
// id, the length and the characters themselves, packed. Longer keys, and keys with a character past U+00FF,
// are compared with their characters kept end to end in one array, where the bucket points.

import { isSpace } from '../program/functions.js';

/** FNV-1a's offset basis 0x811c9dc5 as an Int32 (so that a hash is an Int32 from its start), and
 *  its prime. Module constants, not imported ones: the compiler folds these into the code, while an
 *  imported binding is read and checked anew at every use (in wordIds, at every character). */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** A bucket is four Int32: the hash; id + 1 (0 marks an empty bucket) with the packed length in the
 *  top byte; and in the last two, the characters of a short key, one byte each (zero past its end),
 *  or where a long key's characters start in `chars`, and how many they are. A key is short when it
 *  has at most PACKED_MAX characters, none past U+00FF; its packed length is its length, and LONG
 *  for any other key. */
const BUCKET = 4;
const PACKED_MAX = 8;
const LONG = 0xff;
const ID_BITS = 24;
const ID_MASK = (1 << ID_BITS) - 1;
/** Buckets at start; the table doubles whenever it would be more than 1/LOAD_INVERSE full, so that
 *  a probe rarely goes past its first bucket. */
const BUCKETS_MIN = 1024;
const LOAD_INVERSE = 2;
/** Characters `chars` holds at start; it doubles when full. */
const CHARS_MIN = 8192;
/** Ids stop below this (they share an Int32 with the packed length); the dictionary starts over well
 *  before. */
const IDS_MAX = ID_MASK;

export class StringIds {
  private table = new Int32Array(BUCKET * BUCKETS_MIN);
  private mask = BUCKETS_MIN - 1;
  private strings: string[] = [];
  /** The characters of the long keys, in the order they came; chars[0, charsUsed). */
  private chars = new Uint16Array(CHARS_MIN);
  private charsUsed = 0;
  /** The characters of all strings together. */
  private charTotal = 0;
  /** The packed characters of the key being looked up (two Int32 over eight bytes), written as
   *  wordIds reads them, or by pack. */
  private readonly packedBytes = new Uint8Array(PACKED_MAX);
  private readonly packed = new Int32Array(this.packedBytes.buffer);

  /** The number of strings, one more than the last id. */
  get size(): number {
    return this.strings.length;
  }

  /** The characters of all strings together. */
  get charCount(): number {
    return this.charTotal;
  }

  string(id: number): string {
    return this.strings[id]!;
  }

  /** The id of `key`, which gets the next if it has none. */
  idOf(key: string): number {
    let h = FNV_OFFSET;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
    const code = this.pack(key, 0, key.length);
    const id = this.find(key, 0, key.length, h, code);
    return id >= 0 ? id : this.add(key, h, code);
  }

  /** The ids of the words of `line` in order (split-words' words: the runs of characters that are
   *  not white space, as functions.ts's isSpace says) into out[0, count); returns the count. A word
   *  without an id gets the next. `out` must hold (line.length + 1) / 2 ids, the most a line has. */
  wordIds(line: string, out: Int32Array): number {
    const n = line.length;
    const bytes = this.packedBytes;
    const packed = this.packed;
    let count = 0;
    let i = 0;
    while (i < n) {
      let c = line.charCodeAt(i);
      if (isSpace(c)) {
        i += 1;
        continue;
      }
      // The hash and the packed characters, as the word is read.
      const start = i;
      let h = FNV_OFFSET;
      let wide = 0;
      packed[0] = 0;
      packed[1] = 0;
      for (;;) {
        h = Math.imul(h ^ c, FNV_PRIME);
        wide |= c;
        if (i - start < PACKED_MAX) bytes[i - start] = c;
        i += 1;
        if (i >= n) break;
        c = line.charCodeAt(i);
        // Printable ASCII, nearly every character of a word, is told from white space without a call.
        if ((c <= 0x20 || c >= 0xa0) && isSpace(c)) break;
      }
      const length = i - start;
      const code = length <= PACKED_MAX && wide <= 0xff ? length : LONG;
      const id = this.find(line, start, i, h, code);
      out[count++] = id >= 0 ? id : this.add(line.slice(start, i), h, code);
    }
    return count;
  }

  /** Gives every string a new id: the one with id order[i] gets i (`renumbered` is the inverse:
   *  renumbered[order[i]] === i). */
  renumber(order: Int32Array, renumbered: Int32Array): void {
    const strings: string[] = new Array(order.length);
    for (let i = 0; i < order.length; i++) strings[i] = this.strings[order[i]!]!;
    this.strings = strings;
    // A bucket stays where its hash put it; only the id in it changes.
    const table = this.table;
    for (let o = 0; o < table.length; o += BUCKET) {
      const idAndCode = table[o + 1]!;
      if (idAndCode === 0) continue;
      table[o + 1] = (renumbered[(idAndCode & ID_MASK) - 1]! + 1) | (idAndCode & ~ID_MASK);
    }
  }

  /** Packs s[start, end) into `packed`; returns its packed length. */
  private pack(s: string, start: number, end: number): number {
    const bytes = this.packedBytes;
    this.packed[0] = 0;
    this.packed[1] = 0;
    if (end - start > PACKED_MAX) return LONG;
    for (let i = start; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) return LONG;
      bytes[i - start] = c;
    }
    return end - start;
  }

  /** The id of s[start, end), whose hash is `hash` and packed length `code` (its characters in
   *  `packed` when short); -1 if it has none. */
  private find(s: string, start: number, end: number, hash: number, code: number): number {
    const table = this.table;
    const mask = this.mask;
    const p0 = this.packed[0]!;
    const p1 = this.packed[1]!;
    for (let b = hash & mask; ; b = (b + 1) & mask) {
      const o = b * BUCKET;
      const idAndCode = table[o + 1]!;
      if (idAndCode === 0) return -1;
      if (table[o] !== hash || idAndCode >>> ID_BITS !== code) continue;
      if (code !== LONG ? table[o + 2] === p0 && table[o + 3] === p1 : this.charsEqual(table[o + 2]!, table[o + 3]!, s, start, end)) return (idAndCode & ID_MASK) - 1;
    }
  }

  /** Whether the `length` kept characters from chars[from] are s[start, end). */
  private charsEqual(from: number, length: number, s: string, start: number, end: number): boolean {
    if (end - start !== length) return false;
    const chars = this.chars;
    let q = 0;
    while (q < length && chars[from + q] === s.charCodeAt(start + q)) q += 1;
    return q === length;
  }

  /** Gives `key`, which has no id yet, with this hash and packed length (its characters in `packed`
   *  when short), the next id. */
  private add(key: string, hash: number, code: number): number {
    const id = this.strings.length;
    if (id + 1 >= IDS_MAX) throw new RangeError(`string ids: more than ${IDS_MAX - 1} strings`);
    this.strings.push(key);
    this.charTotal += key.length;
    let p0 = this.packed[0]!;
    let p1 = this.packed[1]!;
    if (code === LONG) {
      p0 = this.charsUsed;
      p1 = key.length;
      if (p0 + p1 > this.chars.length) this.chars = grown(this.chars, p0 + p1);
      for (let q = 0; q < key.length; q++) this.chars[p0 + q] = key.charCodeAt(q);
      this.charsUsed += key.length;
    }
    if (this.strings.length * LOAD_INVERSE > this.mask + 1) this.rehash(2 * (this.mask + 1));
    this.place(hash, (id + 1) | (code << ID_BITS), p0, p1);
    return id;
  }

  private place(hash: number, idAndCode: number, p0: number, p1: number): void {
    const table = this.table;
    const mask = this.mask;
    let b = hash & mask;
    while (table[b * BUCKET + 1] !== 0) b = (b + 1) & mask;
    const o = b * BUCKET;
    table[o] = hash;
    table[o + 1] = idAndCode;
    table[o + 2] = p0;
    table[o + 3] = p1;
  }

  /** Moves every bucket to its place in a table of `buckets` buckets. */
  private rehash(buckets: number): void {
    const old = this.table;
    this.table = new Int32Array(BUCKET * buckets);
    this.mask = buckets - 1;
    for (let o = 0; o < old.length; o += BUCKET) if (old[o + 1] !== 0) this.place(old[o]!, old[o + 1]!, old[o + 2]!, old[o + 3]!);
  }
}

/** A copy of `a` with room for at least `length` elements (twice as many as before, or more): how
 *  the arrays indexed by id grow. */
export function grown<T extends Int32Array | Uint16Array | Uint8Array | Float64Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(2 * a.length, length));
  b.set(a);
  return b;
}
