// Every checkpoint file is one header line and a JSON body: "STREAMCHECK <kind> v<version>
// <body bytes> <sha256 of body>". A torn write fails the length check, a flipped bit fails the
// checksum, and a file of another kind or version is refused by name.

import { hash } from 'node:crypto';

export class CheckpointFormatError extends Error {
  override name = 'CheckpointFormatError';
}

export const FRAME_VERSION = 1;

/** Hex sha256 of bytes, or of a string's UTF-8 bytes (one-shot: no Hash object per call). */
export function sha256(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

const SHA256_HEX_LENGTH = 64;

/** The framed bytes, built in one buffer: the body is encoded once, straight after the header,
 *  whose length is known before the checksum is. */
export function frame(kind: string, body: unknown): Buffer {
  const json = JSON.stringify(body);
  const bodyLength = Buffer.byteLength(json, 'utf8');
  const prefix = `STREAMCHECK ${kind} v${FRAME_VERSION} ${bodyLength} `;
  const headerLength = Buffer.byteLength(prefix, 'utf8') + SHA256_HEX_LENGTH + 1;
  const bytes = Buffer.allocUnsafe(headerLength + bodyLength);
  bytes.write(json, headerLength, 'utf8');
  const written = bytes.write(`${prefix}${sha256(bytes.subarray(headerLength))}\n`, 0, 'utf8');
  if (written !== headerLength) throw new Error(`frame: header of ${written} bytes, expected ${headerLength}`);
  return bytes;
}

export function unframe(bytes: Buffer, kind: string): unknown {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw new CheckpointFormatError(`no header line (${bytes.length} bytes; truncated?)`);
  const header = bytes.subarray(0, nl).toString('utf8');
  const m = /^STREAMCHECK (\S+) v(\d+) (\d+) ([0-9a-f]{64})$/.exec(header);
  if (m === null) throw new CheckpointFormatError(`bad header ${JSON.stringify(header.slice(0, 80))}`);
  if (m[1] !== kind) throw new CheckpointFormatError(`holds a ${m[1]}, expected a ${kind}`);
  if (Number(m[2]) !== FRAME_VERSION) throw new CheckpointFormatError(`format version ${m[2]}, this engine reads version ${FRAME_VERSION}`);
  const body = bytes.subarray(nl + 1);
  if (body.length !== Number(m[3])) throw new CheckpointFormatError(`body is ${body.length} bytes, header says ${m[3]} (truncated or torn write)`);
  if (sha256(body) !== m[4]) throw new CheckpointFormatError('checksum mismatch (corrupt)');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new CheckpointFormatError(`body is not JSON: ${(error as Error).message}`);
  }
}
