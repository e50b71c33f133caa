// The canonical texts of a batch's [key, value] records for reduceByKey's string-key dictionary,
// joined by ',' as an output file holds them: written as bytes into one buffer and decoded into one
// string. The obvious way, a string per record made of the key's cached text and the value's, then
// joined, reads each key's text from wherever the heap put it (a cache miss per record) and makes a
// string per record that lives only to be joined: in word count, measured, a fifth of the run. Here
// the keys' texts lie end to end in one array, as Latin-1 bytes; a key or value with a character
// past U+00FF does not fit them, and then the caller makes strings after all.

import { canonical, type Value } from '../program/value.js';
import { grown } from './string-ids.js';

/** Sizes at start; each array doubles when full. */
const IDS_MIN = 1024;
const HEAD_BYTES_MIN = 16 * IDS_MIN;
const BATCH_BYTES_MIN = 1 << 16;
/** What follows a record's head and its value's text: ']', then ',' before the next record. */
const CLOSE = 0x5d;
const COMMA = 0x2c;
/** Counts up to this are written digit by digit (at most COUNT_DIGITS_MAX of them). */
const COUNT_WRITTEN_MAX = 2 ** 31 - 1;
const COUNT_DIGITS_MAX = 10;

export class PairTextWriter {
  /** Id i's head is heads[starts[i], starts[i + 1]). */
  private starts = new Int32Array(IDS_MIN + 1);
  private heads = new Uint8Array(HEAD_BYTES_MIN);
  private size = 0;
  /** False once a head has a character past U+00FF: no batch's texts fit the bytes then. */
  private latin1 = true;
  /** The batch's joined texts, written anew by every batch, up to `at`; `fits` while they do. */
  private out: Buffer = Buffer.alloc(BATCH_BYTES_MIN);
  private at = 0;
  private fits = true;

  /** Adds the head of the next id (0, 1, 2, ...): '[' + canonical(key) + ','. */
  addHead(head: string): void {
    const id = this.size++;
    if (id + 2 > this.starts.length) this.starts = grown(this.starts, id + 2);
    const from = this.starts[id]!;
    if (from + head.length > this.heads.length) this.heads = grown(this.heads, from + head.length);
    for (let q = 0; q < head.length; q++) {
      const c = head.charCodeAt(q);
      if (c > 0xff) this.latin1 = false;
      this.heads[from + q] = c;
    }
    this.starts[id + 1] = from + head.length;
  }

  /** Gives every head a new id: the one with id order[i] gets i. */
  renumber(order: Int32Array): void {
    const starts = new Int32Array(this.starts.length);
    const heads = new Uint8Array(this.heads.length);
    let at = 0;
    for (let i = 0; i < order.length; i++) {
      const to = this.starts[order[i]! + 1]!;
      for (let q = this.starts[order[i]!]!; q < to; q++) heads[at++] = this.heads[q]!;
      starts[i + 1] = at;
    }
    this.starts = starts;
    this.heads = heads;
  }

  /** Starts a batch's texts. */
  begin(): void {
    this.at = 0;
    this.fits = this.latin1;
  }

  /** Appends canonical([key of id, value]): the head, the value's text and ']', after a ',' if it
   *  is not the first. Returns false, and takes no more records, once a character past U+00FF
   *  stands in the way. */
  add(id: number, value: Value): boolean {
    if (!this.fits) return false;
    const from = this.starts[id]!;
    const to = this.starts[id + 1]!;
    // A count (word count's values) is written digit by digit; any other value from its text.
    const count = typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= COUNT_WRITTEN_MAX;
    const text = count ? '' : canonical(value);
    const need = this.at + 1 + (to - from) + (count ? COUNT_DIGITS_MAX : text.length) + 1;
    if (need > this.out.length) this.out = grownBuffer(this.out, need);
    const out = this.out;
    let at = this.at;
    if (at > 0) out[at++] = COMMA;
    for (let q = from; q < to; q++) out[at++] = this.heads[q]!;
    if (count) at = writeDigits(out, at, value);
    else {
      for (let q = 0; q < text.length; q++) {
        const c = text.charCodeAt(q);
        if (c > 0xff) return (this.fits = false);
        out[at++] = c;
      }
    }
    out[at++] = CLOSE;
    this.at = at;
    return true;
  }

  /** The batch's texts joined by ','. */
  joined(): string {
    return this.out.toString('latin1', 0, this.at);
  }
}

/** Writes the decimal digits of n (an integer, 0 <= n <= COUNT_WRITTEN_MAX) at out[at]: what
 *  String(n) writes. Returns where they end. */
function writeDigits(out: Buffer, at: number, n: number): number {
  const length = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : String(n).length;
  for (let q = at + length - 1; q >= at; q--) {
    out[q] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + length;
}

function grownBuffer(b: Buffer, length: number): Buffer {
  const bigger = Buffer.alloc(Math.max(2 * b.length, length));
  b.copy(bigger);
  return bigger;
}
