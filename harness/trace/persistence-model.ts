// Which of a trace's operations a power loss cannot take back, under a named persistence model
// (PROTOCOL.md §10). "posix": the strict minimum POSIX and Linux promise — a file's data is durable
// once that file is fsynced (or fdatasynced), a directory entry (create, rename, link, unlink, mkdir,
// rmdir) once its directory is fsynced, and sync() makes everything durable. "ext4-ordered": like
// ext4's default data=ordered with its journal — every fsync commits all directory entries made
// before it (the journal is one ordered log), and a rename that replaces a file also makes the new
// file's data durable when it commits (auto_da_alloc); file data is otherwise durable only after
// that file's fsync.

import { isChange, type FileOp } from './file-op.js';

export const PERSISTENCE_MODELS = ['posix', 'ext4-ordered'] as const;
export type PersistenceModel = (typeof PERSISTENCE_MODELS)[number];

/** For each operation of `ops` (a trace cut at the crash), whether it survives the power loss. */
export function durableOps(ops: readonly FileOp[], model: PersistenceModel): boolean[] {
  const durable = ops.map(() => false);
  // Walk backwards, remembering which inodes are fsynced later and whether any barrier follows.
  const syncedLater = new Set<number>();
  let syncAllLater = false;
  let anyFsyncLater = false;
  // ext4: data of an inode renamed over another file, when a journal commit follows the rename.
  const flushedByReplace = new Set<number>();
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    switch (op.type) {
      case 'fsync':
        syncedLater.add(op.ino);
        anyFsyncLater = true;
        break;
      case 'sync':
        syncAllLater = true;
        break;
      case 'read-open':
        break;
      case 'write':
      case 'truncate':
        durable[i] = syncAllLater || syncedLater.has(op.ino) || (model === 'ext4-ordered' && flushedByReplace.has(op.ino));
        break;
      case 'create':
      case 'mkdir':
      case 'link':
      case 'unlink':
      case 'rmdir':
        durable[i] = syncAllLater || (model === 'ext4-ordered' ? anyFsyncLater : op.dirIno !== null && syncedLater.has(op.dirIno));
        break;
      case 'rename':
        durable[i] = syncAllLater || (model === 'ext4-ordered' ? anyFsyncLater : op.dirIno !== null && syncedLater.has(op.dirIno));
        if (model === 'ext4-ordered' && op.replaced !== null && durable[i]) flushedByReplace.add(op.ino);
        break;
      default: {
        const never: never = op;
        throw new Error(`unknown file operation ${JSON.stringify(never)}`);
      }
    }
    if (!isChange(op)) durable[i] = false;
  }
  return durable;
}
