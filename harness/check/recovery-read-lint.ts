// Durability lint, the recovery half: files a SUT reads when it recovers that a power loss at that
// moment could have taken back (their data or their name never synced). Found by comparing, at one
// cut of the failure-free run's trace, what a SIGKILL leaves ("process") with what the strict
// `posix` model says was durable, and looking up every file the traced recovery start opened for
// reading before writing it itself. A warning, like the rest of the lint: a SUT that validates what
// it reads (checksums, fallback to an older checkpoint) may survive it; the crash states decide.

import { crashState } from '../trace/crash-state.js';
import type { FileOp, FileTrace } from '../trace/file-op.js';
import type { LintFinding } from './durability-lint.js';

/** Findings (kind `recovery-read-unsynced`) of a recovery start traced after the "process" state
 *  of `before` cut after its `cut`-th change, at most one per path. */
export function recoveryReadLint(before: FileTrace, cut: number, recovery: FileTrace, findingsMax = 50): LintFinding[] {
  const killed = crashState(before, cut, { type: 'process' }).image.files;
  const durable = crashState(before, cut, { type: 'durable', model: 'posix' }).image.files;
  // The batch of the last change to each path before the cut, to say which batch wrote it.
  const lastWrite = new Map<string, FileOp>();
  let seen = 0;
  for (const op of before.ops) {
    if (op.type === 'write' || op.type === 'truncate' || op.type === 'create') {
      if (++seen > cut) break;
      lastWrite.set(op.path, op);
    } else if (op.type === 'rename' || op.type === 'link') {
      if (++seen > cut) break;
      lastWrite.set(op.to, op);
    } else if (op.type === 'mkdir' || op.type === 'unlink' || op.type === 'rmdir') {
      if (++seen > cut) break;
    }
  }
  const out: LintFinding[] = [];
  const written = new Set<string>();
  const reported = new Set<string>();
  for (const op of recovery.ops) {
    switch (op.type) {
      case 'create':
      case 'write':
      case 'truncate':
        written.add(op.path);
        break;
      case 'rename':
      case 'link':
        written.add(op.to);
        break;
      case 'read-open': {
        if (written.has(op.path) || reported.has(op.path) || out.length >= findingsMax) break;
        const data = killed.get(op.path);
        if (data === undefined) break;
        const kept = durable.get(op.path);
        if (kept !== undefined && kept.equals(data)) break;
        reported.add(op.path);
        const origin = lastWrite.get(op.path);
        const why = kept === undefined ? 'its name was never made durable (no fsync of its directory after it was created or renamed there)' : `only ${kept.length} of its ${data.length} bytes as recovery read them were synced`;
        out.push({
          kind: 'recovery-read-unsynced',
          seq: op.seq,
          syscall: op.syscall,
          op: `read-open ${op.path}`,
          path: op.path,
          batchTimeMs: origin?.batchTimeMs ?? null,
          message: `recovery reads ${op.path}, which a power loss at that moment could take back: ${why}; a recovery that trusts it restores state the disk may not hold`,
        });
        break;
      }
      case 'mkdir':
      case 'unlink':
      case 'rmdir':
      case 'fsync':
      case 'sync':
        break;
      default: {
        const never: never = op;
        throw new Error(`unknown file operation ${JSON.stringify(never)}`);
      }
    }
  }
  return out;
}
