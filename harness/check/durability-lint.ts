// Durability lint: what a file-operation trace shows a SUT doing that power loss would punish, found
// without any crash (the patterns ALICE and CrashMonkey report): a rename of a file whose data was
// never synced, a directory entry (new file, rename, new directory) whose directory is never synced
// afterwards, and a file rewritten in place (truncated or overwritten instead of replaced by rename).
// Findings are warnings with the operation, path and batch; crash states decide the verdict.

import { describeOp, type FileOp, type FileTrace } from '../trace/file-op.js';

export type LintKind = 'rename-unsynced-data' | 'unsynced-directory-entry' | 'in-place-rewrite' | 'recovery-read-unsynced';

export interface LintFinding {
  kind: LintKind;
  /** The operation: its place among the start's file changes, the system call, and what it did. */
  seq: number;
  syscall: string;
  op: string;
  path: string;
  batchTimeMs: number | null;
  message: string;
}

/** A finding's path with numbers folded, so "checkpoint-3000" and "checkpoint-4000" group together. */
export const lintShape = (f: Pick<LintFinding, 'kind' | 'path'>): string => `${f.kind} ${f.path.replace(/\d+/g, 'N')}`;

const isTemporary = (p: string): boolean => {
  const base = p.slice(p.lastIndexOf('/') + 1);
  return base.startsWith('.') || base.endsWith('.tmp') || base === 'temp' || base.endsWith('.temp');
};

/** Findings of one trace, at most one per shape (the first), in trace order. */
export function durabilityLint(trace: FileTrace, findingsMax = 50): LintFinding[] {
  const out: LintFinding[] = [];
  const shapes = new Set<string>();
  const add = (kind: LintKind, op: FileOp, path: string, message: string) => {
    const f: LintFinding = { kind, seq: op.seq, syscall: op.syscall, op: describeOp(op), path, batchTimeMs: op.batchTimeMs, message };
    const shape = lintShape(f);
    if (shapes.has(shape) || out.length >= findingsMax) return;
    shapes.add(shape);
    out.push(f);
  };
  const ops = trace.ops;
  // Forward: unsynced data per inode at the time of each rename; in-place writes.
  const dirty = new Set<number>();
  const size = new Map<number, number>(trace.initial.files.map((f) => [f.ino, f.data.length]));
  for (const op of ops) {
    switch (op.type) {
      case 'write':
        if (op.offset < (size.get(op.ino) ?? 0) && !isTemporary(op.path)) add('in-place-rewrite', op, op.path, `overwrites bytes ${op.offset}..${Math.min(size.get(op.ino) ?? 0, op.offset + op.data.length)} of ${op.path} in place: a crash mid-write leaves neither the old nor the new content (write a temporary file, fsync it, rename it over)`);
        size.set(op.ino, Math.max(size.get(op.ino) ?? 0, op.offset + op.data.length));
        dirty.add(op.ino);
        break;
      case 'truncate':
        if (op.length < (size.get(op.ino) ?? 0) && !isTemporary(op.path)) add('in-place-rewrite', op, op.path, `truncates ${op.path} (${size.get(op.ino)} -> ${op.length} bytes) to rewrite it in place: a crash now leaves it empty or torn`);
        size.set(op.ino, op.length);
        dirty.add(op.ino);
        break;
      case 'fsync':
        dirty.delete(op.ino);
        break;
      case 'sync':
        dirty.clear();
        break;
      case 'rename':
        if (dirty.has(op.ino)) add('rename-unsynced-data', op, op.to, `renames ${op.from} over ${op.to} before fsyncing its data: after power loss ${op.to} can exist with missing or zeroed data`);
        break;
      case 'read-open':
      case 'create':
      case 'mkdir':
      case 'link':
      case 'unlink':
      case 'rmdir':
        break;
      default: {
        const never: never = op;
        throw new Error(`unknown file operation ${JSON.stringify(never)}`);
      }
    }
  }
  // Backward: directory entries with no fsync of their directory after them.
  const dirSyncedLater = new Set<number>();
  let syncAllLater = false;
  const pending: { op: FileOp; path: string; dir: number | null }[] = [];
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    if (op.type === 'fsync') dirSyncedLater.add(op.ino);
    else if (op.type === 'sync') syncAllLater = true;
    else if ((op.type === 'create' || op.type === 'mkdir' || op.type === 'link' || op.type === 'rename') && !syncAllLater) {
      const path = op.type === 'create' || op.type === 'mkdir' ? op.path : op.to;
      if (!isTemporary(path) && (op.dirIno === null || !dirSyncedLater.has(op.dirIno))) pending.push({ op, path, dir: op.dirIno });
    }
  }
  for (const p of pending.reverse()) {
    const parent = p.path.slice(0, p.path.lastIndexOf('/'));
    add('unsynced-directory-entry', p.op, p.path, `${p.op.type === 'mkdir' ? 'makes directory' : p.op.type === 'rename' ? 'renames into' : 'creates'} ${p.path} but never fsyncs ${parent} afterwards: after power loss the entry can be gone while later files that depend on it survive`);
  }
  return out.sort((a, b) => a.seq - b.seq);
}
