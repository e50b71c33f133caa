// Splits a child's stdout into lines without ever holding more than maxLineBytes of one line: a line
// that grows past it is reported once and its rest skipped up to the next newline, so a SUT printing
// a 600 MB line costs the harness a bounded buffer, not a RangeError (Node's readline has no bound).

import type { Readable } from 'node:stream';

export interface BoundedLineHandlers {
  /** A complete line (without its newline or a trailing CR) and its length in bytes. */
  onLine: (line: string, bytes: number) => void;
  /** A line passed maxLineBytes; called once per such line, with the bytes seen so far. */
  onTooLong: (seenBytes: number) => void;
}

/** Reads stream to its end; resolves when it has closed (ended, destroyed or errored). */
export function readBoundedLines(stream: Readable, maxLineBytes: number, h: BoundedLineHandlers): Promise<void> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let skipping = false;
  const emit = (buf: Buffer): void => {
    const end = buf.length > 0 && buf[buf.length - 1] === 0x0d ? buf.length - 1 : buf.length;
    h.onLine(buf.toString('utf8', 0, end), end);
  };
  const take = (chunk: Buffer, from: number, to: number): void => {
    if (skipping) return;
    if (partBytes + (to - from) > maxLineBytes) {
      skipping = true;
      h.onTooLong(partBytes + (to - from));
      parts = [];
      partBytes = 0;
      return;
    }
    parts.push(chunk.subarray(from, to));
    partBytes += to - from;
  };
  return new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, from);
        if (nl === -1) {
          take(chunk, from, chunk.length);
          return;
        }
        take(chunk, from, nl);
        if (!skipping) emit(parts.length === 1 ? parts[0]! : Buffer.concat(parts, partBytes));
        skipping = false;
        parts = [];
        partBytes = 0;
        from = nl + 1;
      }
    });
    const done = (): void => {
      if (!skipping && partBytes > 0) emit(Buffer.concat(parts, partBytes));
      parts = [];
      partBytes = 0;
      resolve();
    };
    stream.once('close', done);
    stream.once('error', () => {});
  });
}
