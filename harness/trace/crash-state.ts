// A crash state: what the watched directories hold after the SUT's process or machine is lost just
// after its n-th file-changing operation, built only from what the trace shows the SUT wrote and
// synced. Six kinds (PROTOCOL.md §10): "process" (SIGKILL: everything written is there), "durable"
// (power loss: only what the persistence model says was made durable), "prefix" (durable, plus the
// first k of the operations that were not yet durable, in order), "omit-one" (everything but one
// operation that was not yet durable), "subset" (durable, plus a seeded half of the rest, in any
// combination), "torn" (SIGKILL's state, but the
// last write that was not yet durable landed only up to a 512- or 4096-byte boundary of the file, the
// rest missing or zeros).

import { isChange, type FileOp, type FileTrace } from './file-op.js';
import { durableOps, type PersistenceModel } from './persistence-model.js';

export type CrashStateKind =
  | { type: 'process' }
  | { type: 'durable'; model: PersistenceModel }
  | { type: 'prefix'; model: PersistenceModel; fraction: number }
  /** Everything but one not-yet-durable operation: nothing orders unsynced operations (ALICE's
   *  "omit one"), so any single one of them may be the one that never reached the disk. */
  | { type: 'omit-one'; model: PersistenceModel; fraction: number }
  /** The durable operations and a seeded half of the others, in any combination: what a disk that
   *  writes back unsynced blocks in its own order may leave. */
  | { type: 'subset'; model: PersistenceModel; seed: number }
  | { type: 'torn'; sectorBytes: 512 | 4096; zeroFill: boolean; fraction: number };

/** The directory tree a crash state leaves: labelled directory paths and file contents. */
export interface FsImage {
  dirs: string[];
  files: Map<string, Buffer>;
}

export interface CrashState {
  image: FsImage;
  /** Change operations applied, of those before the crash. */
  applied: number;
  before: number;
  /** What the state lost or tore, for the timeline: "lost: rename a -> b; torn: write ...". */
  detail: string;
  /** Whether the state differs from what a SIGKILL at the same point leaves (something lost or torn). */
  tookBack: boolean;
}

/** The index in trace.ops just past the n-th change operation (n = 0: before the first). */
export function cutAfter(trace: FileTrace, n: number): number {
  if (n <= 0) return trace.ops.findIndex(isChange) === -1 ? trace.ops.length : trace.ops.findIndex(isChange);
  let seen = 0;
  for (let i = 0; i < trace.ops.length; i++) {
    if (isChange(trace.ops[i]!) && ++seen === n + 1) return i;
  }
  return trace.ops.length;
}

/** The index in trace.ops just past the n-th change operation itself, before any fsync that
 *  follows it: the instant a write has reached the page cache and nothing has synced it yet. */
export function cutJustAfter(trace: FileTrace, n: number): number {
  if (n <= 0) return 0;
  let seen = 0;
  for (let i = 0; i < trace.ops.length; i++) {
    if (isChange(trace.ops[i]!) && ++seen === n) return i + 1;
  }
  return trace.ops.length;
}

export function changeCount(trace: FileTrace): number {
  return trace.ops.filter(isChange).length;
}

export function crashState(trace: FileTrace, n: number, kind: CrashStateKind): CrashState {
  // A torn write needs the power to go between the write and its fsync; every other state is cut
  // after the barriers that follow the n-th change (the latest instant before the next change).
  const ops = trace.ops.slice(0, kind.type === 'torn' ? cutJustAfter(trace, n) : cutAfter(trace, n));
  const changes = ops.map((op, i) => ({ op, i })).filter((x) => isChange(x.op));
  let keep: boolean[];
  let torn: { index: number; upTo: number; zeroFill: boolean } | null = null;
  switch (kind.type) {
    case 'process':
      keep = ops.map(() => true);
      break;
    case 'durable':
      keep = durableOps(ops, kind.model);
      break;
    case 'prefix': {
      keep = durableOps(ops, kind.model);
      const lost = changes.filter((x) => !keep[x.i]);
      const k = Math.floor(kind.fraction * (lost.length + 1));
      for (const x of lost.slice(0, Math.min(k, lost.length))) keep[x.i] = true;
      break;
    }
    case 'omit-one': {
      keep = ops.map(() => true);
      const durable = durableOps(ops, kind.model);
      // Leaving out the creation of a file that is renamed before the cut changes nothing (the
      // rename still brings the inode in), so those are not candidates: every omission drawn loses
      // something the recovery can see.
      const renamedLater = new Set(ops.flatMap((op) => (op.type === 'rename' ? [op.ino] : [])));
      const lost = changes.filter((x) => !durable[x.i] && !(x.op.type === 'create' && renamedLater.has(x.op.ino)));
      if (lost.length > 0) keep[lost[Math.min(lost.length - 1, Math.floor(kind.fraction * lost.length))]!.i] = false;
      break;
    }
    case 'subset': {
      keep = durableOps(ops, kind.model);
      let x = kind.seed >>> 0 || 1;
      for (const c of changes) {
        // xorshift32: the same seed keeps the same operations, so the state replays and shrinks.
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        if (!keep[c.i] && (x & 1) === 1) keep[c.i] = true;
      }
      break;
    }
    case 'torn': {
      keep = ops.map(() => true);
      // Only a write that was not yet durable can be torn: one its file's fsync already covered is on
      // disk whole (the default suite found the harness tearing an fsynced checkpoint, a state no
      // disk leaves). The last such write, under the strict model.
      const durable = durableOps(ops, 'posix');
      const last = ops.findLastIndex((op, i) => op.type === 'write' && !durable[i]);
      if (last >= 0) {
        const w = ops[last] as Extract<FileOp, { type: 'write' }>;
        const end = w.offset + w.data.length;
        // Sector boundaries strictly inside the write; the write's own start when there is none.
        const first = Math.floor(w.offset / kind.sectorBytes) + 1;
        const boundaries: number[] = [];
        for (let b = first * kind.sectorBytes; b < end; b += kind.sectorBytes) boundaries.push(b);
        const upTo = boundaries.length === 0 ? w.offset : boundaries[Math.min(boundaries.length - 1, Math.floor(kind.fraction * boundaries.length))]!;
        torn = { index: last, upTo, zeroFill: kind.zeroFill };
      }
      break;
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown crash state ${JSON.stringify(never)}`);
    }
  }
  const image = apply(trace, ops, keep, torn);
  const lost = changes.filter((x) => !keep[x.i]).map((x) => describeShort(x.op));
  const parts: string[] = [];
  if (lost.length > 0) parts.push(`lost ${lost.length}: ${lost.slice(0, 4).join('; ')}${lost.length > 4 ? '; ...' : ''}`);
  if (torn !== null) {
    const w = ops[torn.index] as Extract<FileOp, { type: 'write' }>;
    parts.push(`torn: write of ${w.data.length} bytes at ${w.offset} of ${w.path} landed up to byte ${torn.upTo}${torn.zeroFill ? ', the rest zeros' : ''}`);
  }
  return { image, applied: changes.filter((x) => keep[x.i]).length, before: changes.length, detail: parts.join('; ') || 'nothing lost', tookBack: lost.length > 0 || torn !== null };
}

function describeShort(op: FileOp): string {
  switch (op.type) {
    case 'write':
      return `write ${op.path}@${op.offset}+${op.data.length}`;
    case 'rename':
    case 'link':
      return `${op.type} ${op.from} -> ${op.to}`;
    case 'truncate':
      return `truncate ${op.path} to ${op.length}`;
    case 'create':
    case 'mkdir':
    case 'unlink':
    case 'rmdir':
    case 'read-open':
    case 'fsync':
      return `${op.type} ${op.path}`;
    case 'sync':
      return 'sync';
    default: {
      const never: never = op;
      return String(never);
    }
  }
}

function apply(trace: FileTrace, ops: readonly FileOp[], keep: readonly boolean[], torn: { index: number; upTo: number; zeroFill: boolean } | null): FsImage {
  const names = new Map<string, number>();
  const dirInos = new Set<number>();
  // A file's bytes are buf[0, length): a write past the end grows buf geometrically, so a file built
  // from many small appends costs its size, not its size times its writes. Every buffer here is this
  // function's own copy (a link shares the inode, not a buffer with another one).
  const data = new Map<number, { buf: Buffer; length: number }>();
  for (const d of trace.initial.dirs) {
    names.set(d.path, d.ino);
    dirInos.add(d.ino);
  }
  for (const f of trace.initial.files) {
    names.set(f.path, f.ino);
    data.set(f.ino, { buf: Buffer.from(f.data), length: f.data.length });
  }
  const file = (ino: number) => {
    let d = data.get(ino);
    if (d === undefined) data.set(ino, (d = { buf: Buffer.alloc(0), length: 0 }));
    return d;
  };
  /** Makes the file exactly `length` bytes: new bytes are zeros, bytes past it are gone. */
  const resize = (d: { buf: Buffer; length: number }, length: number): void => {
    if (length > d.buf.length) {
      const next = Buffer.alloc(Math.max(length, 2 * d.buf.length));
      d.buf.copy(next, 0, 0, d.length);
      d.buf = next;
    } else if (length > d.length) d.buf.fill(0, d.length, length);
    d.length = length;
  };
  ops.forEach((op, i) => {
    if (!keep[i]) return;
    switch (op.type) {
      case 'create':
        names.set(op.path, op.ino);
        file(op.ino);
        break;
      case 'mkdir':
        names.set(op.path, op.ino);
        dirInos.add(op.ino);
        break;
      case 'write': {
        let chunk = op.data;
        if (torn !== null && torn.index === i) {
          const landed = Math.max(0, torn.upTo - op.offset);
          chunk = torn.zeroFill ? Buffer.concat([op.data.subarray(0, landed), Buffer.alloc(op.data.length - landed)]) : op.data.subarray(0, landed);
        }
        const d = file(op.ino);
        const end = op.offset + chunk.length;
        if (end > d.length) resize(d, end);
        chunk.copy(d.buf, op.offset);
        break;
      }
      case 'truncate':
        resize(file(op.ino), op.length);
        break;
      case 'rename':
        if (names.get(op.from) === op.ino) names.delete(op.from);
        names.set(op.to, op.ino);
        if (dirInos.has(op.ino)) {
          for (const [n, ino] of [...names]) {
            if (n.startsWith(op.from + '/')) {
              names.delete(n);
              names.set(op.to + n.slice(op.from.length), ino);
            }
          }
        }
        break;
      case 'link':
        names.set(op.to, op.ino);
        break;
      case 'unlink':
      case 'rmdir':
        if (names.get(op.path) === op.ino) names.delete(op.path);
        break;
      case 'fsync':
      case 'sync':
      case 'read-open':
        break;
      default: {
        const never: never = op;
        throw new Error(`unknown file operation ${JSON.stringify(never)}`);
      }
    }
  });
  // A name is reachable only if every directory above it is (the roots always are).
  const dirs = [...names].filter(([, ino]) => dirInos.has(ino)).map(([n]) => n);
  const dirSet = new Set(dirs);
  // Labels without a slash are the roots themselves, which always exist.
  const reachable = (p: string): boolean => {
    if (!p.includes('/')) return false;
    const parent = p.slice(0, p.lastIndexOf('/'));
    return !parent.includes('/') || (dirSet.has(parent) && reachable(parent));
  };
  const files = new Map<string, Buffer>();
  for (const [n, ino] of names) {
    if (dirInos.has(ino) || !reachable(n)) continue;
    const d = data.get(ino);
    files.set(n, d === undefined ? Buffer.alloc(0) : d.buf.subarray(0, d.length));
  }
  return { dirs: dirs.filter(reachable).sort(), files };
}
