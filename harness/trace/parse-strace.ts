// Turns the text strace writes (strace-argv.ts: -f -y -xx) into a FileTrace: the file-changing
// operations under the watched roots, in the order the kernel saw them, with descriptors and relative
// paths resolved, inodes numbered, write offsets tracked, and each operation tagged with the thread
// call count strace's fault injection uses and the batch the SUT was in (from its stdout events).
// Bounded: at most traceOpsMax operations; anything the model cannot follow makes the trace
// "incomplete" with a reason, never a silent guess.

import * as path from 'node:path';
import type { FileOp, FileTrace, OpOrigin } from './file-op.js';

export interface WatchedRoot {
  /** The label paths carry ("checkpoint", "output"). */
  label: string;
  /** Absolute real path (symlinks resolved, as strace -y prints). */
  dir: string;
}

export interface ParseOptions {
  roots: readonly WatchedRoot[];
  /** The SUT's working directory (real path), for relative paths of calls without a dirfd. */
  cwd: string;
  /** What existed under the roots when the start began (labelled paths); empty for a fresh start. */
  initial?: FileTrace['initial'];
  /** The injection, so the call it struck can be found. */
  injected?: { syscall: string; nth: number } | null;
  /** Files the harness writes for the SUT and that it may read (program, input): not "outside". */
  ownFiles?: readonly string[];
  traceOpsMax?: number;
}

export const TRACE_OPS_MAX = 200_000;
const OUTSIDE_MAX = 20;

// ---- the text: one call per line, "<tid>  name(args) = ret", split calls joined --------------------

interface Call {
  tid: number;
  name: string;
  args: string[];
  /** null for "= ?" (the call did not return: the thread died in it). */
  ret: string | null;
}

function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '[' || ch === '{' || ch === '<' || ch === '(') depth++;
    else if (ch === ']' || ch === '}' || ch === '>' || ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '') out.push(last);
  return out;
}

/** "\x61\x62" (possibly followed by "..." when strace cut it) -> bytes, and whether it was cut. */
function hexString(s: string): { bytes: Buffer; cut: boolean } | null {
  const m = /^"((?:\\x[0-9a-f]{2})*)"(\.\.\.)?$/.exec(s);
  if (m === null) return null;
  return { bytes: Buffer.from(m[1]!.replace(/\\x/g, ''), 'hex'), cut: m[2] !== undefined };
}

/** "18<\x2f\x74>" or "AT_FDCWD<\x2f>" -> fd number (-100 for AT_FDCWD) and path. */
function fdArg(s: string): { fd: number; path: string | null } | null {
  const m = /^(-?\d+|AT_FDCWD)(?:<((?:\\x[0-9a-f]{2})*)>)?$/.exec(s);
  if (m === null) return null;
  const fd = m[1] === 'AT_FDCWD' ? -100 : Number(m[1]);
  if (m[2] === undefined) return { fd, path: null };
  const p = Buffer.from(m[2].replace(/\\x/g, ''), 'hex').toString('utf8');
  return { fd, path: p.endsWith(' (deleted)') ? p.slice(0, -' (deleted)'.length) : p };
}

function* calls(text: string): Generator<Call> {
  const pending = new Map<number, string>();
  for (const raw of text.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(raw);
    if (m === null) continue;
    const tid = Number(m[1]);
    let rest = m[2]!;
    if (rest.startsWith('+++') || rest.startsWith('---')) continue;
    const resumed = /^<\.\.\. ([a-z0-9_]+) resumed>(.*)$/.exec(rest);
    if (resumed !== null) {
      const head = pending.get(tid);
      pending.delete(tid);
      if (head === undefined) continue;
      rest = head + resumed[2]!;
    }
    if (rest.endsWith(' <unfinished ...>')) {
      pending.set(tid, rest.slice(0, -' <unfinished ...>'.length));
      continue;
    }
    const open = rest.indexOf('(');
    if (open < 0) continue;
    // strace pads short calls: "close(3)      = 0". Strings and paths are hex-escaped, so the last
    // ")<spaces>= " is the end of the arguments.
    const ending = /\)\s+= (?!.*\)\s+= )/.exec(rest);
    const close = ending === null ? -1 : ending.index;
    const name = rest.slice(0, open);
    if (close < 0) {
      // A call the thread never returned from (killed in it) prints "name(args) = ?" — or nothing
      // after the arguments when the trace ends mid-line.
      yield { tid, name, args: splitArgs(rest.slice(open + 1, rest.endsWith(')') ? -1 : undefined)), ret: null };
      continue;
    }
    const ret = rest.slice(close + ending![0].length).trim();
    yield { tid, name, args: splitArgs(rest.slice(open + 1, close)), ret: ret.startsWith('?') ? null : ret };
  }
  for (const [tid, head] of pending) {
    const open = head.indexOf('(');
    if (open > 0) yield { tid, name: head.slice(0, open), args: splitArgs(head.slice(open + 1)), ret: null };
  }
}

// ---- the model the parser keeps while reading: names, inodes, sizes, descriptors ------------------

interface OpenFile {
  ino: number;
  path: string;
  pos: number;
  append: boolean;
}

const okNumber = (ret: string | null): number | null => {
  if (ret === null) return null;
  const m = /^(-?\d+)/.exec(ret);
  if (m === null) return null;
  const n = Number(m[1]);
  return n < 0 ? null : n;
};

export function parseStrace(text: string, o: ParseOptions): FileTrace {
  const opsMax = o.traceOpsMax ?? TRACE_OPS_MAX;
  const ops: FileOp[] = [];
  const incomplete: string[] = [];
  const outside: string[] = [];
  const names = new Map<string, number>();
  const isDir = new Set<number>();
  const sizes = new Map<number, number>();
  let nextIno = 1;
  const initial = o.initial ?? { dirs: [], files: [] };
  for (const d of initial.dirs) {
    names.set(d.path, d.ino);
    isDir.add(d.ino);
    nextIno = Math.max(nextIno, d.ino + 1);
  }
  for (const f of initial.files) {
    names.set(f.path, f.ino);
    sizes.set(f.ino, f.data.length);
    nextIno = Math.max(nextIno, f.ino + 1);
  }
  for (const r of o.roots) {
    const ino = nextIno++;
    names.set(r.label, ino);
    isDir.add(ino);
  }
  const fds = new Map<number, OpenFile>();
  const counts = new Map<string, number>();
  let cwd = o.cwd;
  let seq = 0;
  let batchTimeMs: number | null = null;
  let stdoutTail = '';
  let killedIn: FileTrace['killedIn'] = null;
  let errorIn: FileTrace['errorIn'] = null;
  let embedsRoots = false;
  const rootBytes = o.roots.map((r) => Buffer.from(r.dir));
  const own = new Set(o.ownFiles ?? []);

  const label = (abs: string): string | null => {
    for (const r of o.roots) {
      if (abs === r.dir) return r.label;
      if (abs.startsWith(r.dir + '/')) return r.label + abs.slice(r.dir.length);
    }
    return null;
  };
  const noteOutside = (abs: string, what: string) => {
    if (abs.startsWith('/dev/') || abs.startsWith('/proc/') || abs.startsWith('/sys/') || !abs.startsWith('/') || own.has(abs)) return;
    if (outside.length < OUTSIDE_MAX && !outside.some((x) => x.endsWith(` ${abs}`))) outside.push(`${what} ${abs}`);
  };
  const resolve = (base: string | null, p: string): string => path.resolve(p.startsWith('/') ? '/' : (base ?? cwd), p);
  const pathArg = (s: string | undefined): string | null => {
    if (s === undefined) return null;
    const h = hexString(s);
    return h === null ? null : h.bytes.toString('utf8');
  };
  const dirOf = (labelled: string): number | null => names.get(labelled.slice(0, Math.max(0, labelled.lastIndexOf('/')))) ?? null;
  const push = (op: FileOp) => {
    if (ops.length >= opsMax) {
      if (!incomplete.includes(`more than traceOpsMax ${opsMax} operations`)) incomplete.push(`more than traceOpsMax ${opsMax} operations`);
      return;
    }
    ops.push(op);
  };
  const origin = (c: Call, change: boolean): OpOrigin => ({ seq: change ? ++seq : 0, syscall: c.name, tid: c.tid, nth: counts.get(`${c.tid} ${c.name}`)!, batchTimeMs });
  const renameDescendants = (from: string, to: string) => {
    for (const [n, ino] of [...names]) {
      if (n.startsWith(from + '/')) {
        names.delete(n);
        names.set(to + n.slice(from.length), ino);
      }
    }
  };
  const write = (c: Call, f: OpenFile, data: Buffer, explicitOffset: number | null) => {
    const size = sizes.get(f.ino) ?? 0;
    const offset = explicitOffset ?? (f.append ? size : f.pos);
    if (explicitOffset === null) f.pos = offset + data.length;
    sizes.set(f.ino, Math.max(size, offset + data.length));
    if (!embedsRoots && rootBytes.some((b) => data.includes(b))) embedsRoots = true;
    push({ ...origin(c, true), type: 'write', path: f.path, ino: f.ino, offset, data });
  };
  const stdout = (data: Buffer) => {
    stdoutTail = (stdoutTail + data.toString('utf8')).slice(-65_536);
    let nl: number;
    while ((nl = stdoutTail.indexOf('\n')) >= 0) {
      const line = stdoutTail.slice(0, nl);
      stdoutTail = stdoutTail.slice(nl + 1);
      try {
        const e = JSON.parse(line) as { batchTimeMs?: unknown };
        if (typeof e.batchTimeMs === 'number') batchTimeMs = e.batchTimeMs;
      } catch {
        // not an event line
      }
    }
  };

  for (const c of calls(text)) {
    const key = `${c.tid} ${c.name}`;
    const nth = (counts.get(key) ?? 0) + 1;
    counts.set(key, nth);
    if (c.ret === null) {
      if (o.injected != null && o.injected.syscall === c.name && o.injected.nth === nth && killedIn === null) killedIn = { syscall: c.name, tid: c.tid, nth, seq: seq + 1 };
      continue;
    }
    const ok = okNumber(c.ret);
    if (ok === null) {
      // Failed calls change nothing; one that strace's injection failed is where an I/O error landed.
      if (c.ret.includes('(INJECTED)') && o.injected != null && o.injected.syscall === c.name && o.injected.nth === nth && errorIn === null) {
        const fd = fdArg(c.args[0] ?? '');
        errorIn = { syscall: c.name, tid: c.tid, nth, seq: seq + 1, errno: /^-1 ([A-Z]+)/.exec(c.ret)?.[1] ?? '?', path: fd?.path == null ? null : label(fd.path), batchTimeMs };
      }
      continue;
    }
    switch (c.name) {
      case 'open':
      case 'openat':
      case 'creat': {
        const result = fdArg(c.ret.split(' ')[0]!);
        if (result === null || result.path === null) break;
        const l = label(result.path);
        const flags = c.name === 'creat' ? 'O_WRONLY|O_CREAT|O_TRUNC' : (c.args[c.name === 'openat' ? 2 : 1] ?? '');
        const writes = /O_WRONLY|O_RDWR/.test(flags);
        if (l === null) {
          if (writes) noteOutside(result.path, 'opened for writing');
          break;
        }
        let ino = names.get(l);
        if (ino === undefined) {
          if (!flags.includes('O_CREAT')) {
            incomplete.push(`${c.name} of ${l}, which the trace never saw made`);
            break;
          }
          ino = nextIno++;
          names.set(l, ino);
          sizes.set(ino, 0);
          push({ ...origin(c, true), type: 'create', path: l, ino, dirIno: dirOf(l) });
        } else if (flags.includes('O_TRUNC') && writes && (sizes.get(ino) ?? 0) > 0) {
          sizes.set(ino, 0);
          push({ ...origin(c, true), type: 'truncate', path: l, ino, length: 0 });
        } else if (!writes && !isDir.has(ino) && !flags.includes('O_DIRECTORY')) {
          push({ ...origin(c, false), type: 'read-open', path: l, ino });
        }
        fds.set(result.fd, { ino, path: l, pos: 0, append: flags.includes('O_APPEND') });
        break;
      }
      case 'close': {
        const fd = fdArg(c.args[0] ?? '');
        if (fd !== null) fds.delete(fd.fd);
        break;
      }
      case 'lseek': {
        const fd = fdArg(c.args[0] ?? '');
        const f = fd === null ? undefined : fds.get(fd.fd);
        if (f !== undefined) f.pos = ok;
        break;
      }
      case 'chdir': {
        const p = pathArg(c.args[0]);
        if (p !== null) cwd = resolve(null, p);
        break;
      }
      case 'fchdir': {
        const fd = fdArg(c.args[0] ?? '');
        if (fd?.path != null) cwd = fd.path;
        break;
      }
      case 'write':
      case 'pwrite64':
      case 'writev':
      case 'pwritev':
      case 'pwritev2': {
        const fd = fdArg(c.args[0] ?? '');
        if (fd === null) break;
        const vector = c.name === 'writev' || c.name === 'pwritev' || c.name === 'pwritev2';
        let data: Buffer;
        let cut = false;
        if (vector) {
          const parts: Buffer[] = [];
          for (const m of (c.args[1] ?? '').matchAll(/iov_base=("(?:\\x[0-9a-f]{2})*"(?:\.\.\.)?)/g)) {
            const h = hexString(m[1]!);
            if (h === null) continue;
            parts.push(h.bytes);
            cut ||= h.cut;
          }
          data = Buffer.concat(parts);
        } else {
          const h = hexString(c.args[1] ?? '');
          if (h === null) break;
          data = h.bytes;
          cut = h.cut;
        }
        if (fd.fd === 1) {
          stdout(data.subarray(0, ok));
          break;
        }
        const f = fds.get(fd.fd);
        const l = fd.path === null ? null : label(fd.path);
        if (f === undefined || l === null || l !== f.path) {
          if (l !== null) incomplete.push(`${c.name} to ${l} through a descriptor the trace did not see opened`);
          else if (fd.path !== null) noteOutside(fd.path, 'wrote');
          break;
        }
        if (cut || data.length < ok) {
          incomplete.push(`${c.name} of ${ok} bytes to ${f.path}: longer than the trace keeps (${data.length} bytes)`);
          break;
        }
        const explicit = c.name === 'pwrite64' || c.name === 'pwritev' || c.name === 'pwritev2' ? Number(c.args[3]) : null;
        write(c, f, data.subarray(0, ok), explicit);
        break;
      }
      case 'truncate':
      case 'ftruncate': {
        let l: string | null = null;
        if (c.name === 'truncate') {
          const p = pathArg(c.args[0]);
          if (p !== null) l = label(resolve(null, p));
        } else {
          const fd = fdArg(c.args[0] ?? '');
          if (fd?.path != null) l = label(fd.path);
        }
        if (l === null) break;
        const ino = names.get(l);
        if (ino === undefined) break;
        const length = Number(c.args[1]);
        sizes.set(ino, length);
        push({ ...origin(c, true), type: 'truncate', path: l, ino, length });
        break;
      }
      case 'fsync':
      case 'fdatasync': {
        const fd = fdArg(c.args[0] ?? '');
        const l = fd?.path == null ? null : label(fd.path);
        if (l === null) break;
        const ino = fds.get(fd!.fd)?.ino ?? names.get(l);
        if (ino === undefined) break;
        push({ ...origin(c, false), type: 'fsync', path: l, ino, dataOnly: c.name === 'fdatasync' });
        break;
      }
      case 'sync':
      case 'syncfs':
        push({ ...origin(c, false), type: 'sync' });
        break;
      case 'rename':
      case 'renameat':
      case 'renameat2':
      case 'link':
      case 'linkat': {
        const at = c.name !== 'rename' && c.name !== 'link';
        const fromBase = at ? fdArg(c.args[0] ?? '')?.path ?? null : null;
        const toBase = at ? fdArg(c.args[2] ?? '')?.path ?? null : null;
        const fromRaw = pathArg(c.args[at ? 1 : 0]);
        const toRaw = pathArg(c.args[at ? 3 : 1]);
        if (fromRaw === null || toRaw === null) break;
        const from = label(resolve(fromBase, fromRaw));
        const to = label(resolve(toBase, toRaw));
        if (from === null && to === null) break;
        if (c.name === 'renameat2' && (c.args[4] ?? '').includes('RENAME_EXCHANGE')) {
          incomplete.push(`renameat2 RENAME_EXCHANGE of ${from ?? fromRaw} and ${to ?? toRaw} (not modelled)`);
          break;
        }
        if (from === null || to === null) {
          incomplete.push(`${c.name} across a watched root: ${from ?? resolve(fromBase, fromRaw)} -> ${to ?? resolve(toBase, toRaw)}`);
          break;
        }
        const ino = names.get(from);
        if (ino === undefined) {
          incomplete.push(`${c.name} of ${from}, which the trace never saw made`);
          break;
        }
        if (c.name.startsWith('link')) {
          names.set(to, ino);
          push({ ...origin(c, true), type: 'link', from, to, ino, dirIno: dirOf(to) });
          break;
        }
        const replaced = names.get(to) ?? null;
        const op: FileOp = { ...origin(c, true), type: 'rename', from, to, ino, replaced, dirIno: dirOf(to), fromDirIno: dirOf(from) };
        names.delete(from);
        names.set(to, ino);
        if (isDir.has(ino)) renameDescendants(from, to);
        push(op);
        break;
      }
      case 'unlink':
      case 'unlinkat':
      case 'rmdir': {
        const at = c.name === 'unlinkat';
        const base = at ? fdArg(c.args[0] ?? '')?.path ?? null : null;
        const raw = pathArg(c.args[at ? 1 : 0]);
        if (raw === null) break;
        const l = label(resolve(base, raw));
        if (l === null) break;
        const ino = names.get(l);
        if (ino === undefined) break;
        const dir = c.name === 'rmdir' || (at && (c.args[2] ?? '').includes('AT_REMOVEDIR'));
        names.delete(l);
        push({ ...origin(c, true), type: dir ? 'rmdir' : 'unlink', path: l, ino, dirIno: dirOf(l) });
        break;
      }
      case 'mkdir':
      case 'mkdirat': {
        const at = c.name === 'mkdirat';
        const base = at ? fdArg(c.args[0] ?? '')?.path ?? null : null;
        const raw = pathArg(c.args[at ? 1 : 0]);
        if (raw === null) break;
        const l = label(resolve(base, raw));
        if (l === null) break;
        const ino = nextIno++;
        names.set(l, ino);
        isDir.add(ino);
        push({ ...origin(c, true), type: 'mkdir', path: l, ino, dirIno: dirOf(l) });
        break;
      }
      case 'fallocate':
      case 'copy_file_range':
      case 'sendfile':
      case 'splice':
      case 'sync_file_range': {
        const fd = fdArg(c.args[c.name === 'copy_file_range' || c.name === 'splice' ? 2 : c.name === 'sendfile' ? 0 : 0] ?? '');
        const l = fd?.path == null ? null : label(fd.path);
        if (l !== null) incomplete.push(`${c.name} on ${l} (not modelled${c.name === 'sync_file_range' ? ': it makes nothing durable' : ''})`);
        break;
      }
      default:
        break;
    }
  }
  return { ops, initial, incomplete: [...new Set(incomplete)].slice(0, 20), killedIn, errorIn, embedsRoots, outside };
}
