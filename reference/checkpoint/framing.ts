// Every checkpoint file is one header line and a JSON body: "STREAMCHECK <kind> v<version>
// <body bytes> <sha256 of body>". A torn write fails the length check, a flipped bit fails the
// checksum, and a file of another kind or version is refused by name.

import { createHash } from 'node:crypto';

export class CheckpointFormatError extends Error {
  override name = 'CheckpointFormatError';
}

export const FRAME_VERSION = 1;

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function frame(kind: string, body: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  return Buffer.concat([Buffer.from(`STREAMCHECK ${kind} v${FRAME_VERSION} ${json.length} ${sha256(json)}\n`, 'utf8'), json]);
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
