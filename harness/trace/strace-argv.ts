// Runs a SUT command under Debian's strace: every file-changing system call of every thread goes to
// a trace file (paths of descriptors resolved by -y, all bytes hex-escaped by -xx so the trace parses
// without ambiguity), and optionally a fault injected at the n-th call of one system call of a
// thread: SIGKILL (a crash exactly there, replayable) or an errno (an I/O error).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The system calls traced: everything that changes files or says where writes go, plus the
 *  calls the parser must know to flag as unsupported (their effects are not modelled). */
export const TRACED_SYSCALLS = [
  'open', 'openat', 'creat', 'close', 'lseek', 'chdir', 'fchdir',
  'write', 'pwrite64', 'writev', 'pwritev', 'pwritev2',
  'truncate', 'ftruncate', 'fsync', 'fdatasync', 'sync_file_range', 'sync', 'syncfs',
  'rename', 'renameat', 'renameat2', 'link', 'linkat', 'unlink', 'unlinkat', 'mkdir', 'mkdirat', 'rmdir',
  'fallocate', 'copy_file_range', 'sendfile', 'splice',
] as const;

/** strace keeps this many bytes of a write's data; a longer write makes the trace incomplete. */
export const TRACE_WRITE_MAX_BYTES = 1 << 20;
/** strace's fault-injection counter is 16 bits wide. */
export const INJECT_NTH_MAX = 65535;

export type Injection =
  | { type: 'kill'; syscall: string; nth: number }
  | { type: 'error'; syscall: string; nth: number; errno: 'EIO' | 'ENOSPC' };

export function straceArgv(command: readonly string[], traceFile: string, injection: Injection | null): string[] {
  // --seccomp-bpf stops the SUT only at traced calls (much cheaper), but strace 6.1 then never fires
  // an injection: it is used for plain traces only. The calls counted are the same either way.
  const argv = ['strace', '-f', '-qq', '-y', '-xx', '-s', String(TRACE_WRITE_MAX_BYTES), ...(injection === null ? ['--seccomp-bpf'] : []), '-e', 'signal=none', '-o', traceFile, '-e', `trace=${TRACED_SYSCALLS.join(',')}`];
  if (injection !== null) {
    if (!Number.isSafeInteger(injection.nth) || injection.nth < 1 || injection.nth > INJECT_NTH_MAX) throw new Error(`strace injection: expected nth in 1..${INJECT_NTH_MAX}, received ${injection.nth}`);
    if (!(TRACED_SYSCALLS as readonly string[]).includes(injection.syscall)) throw new Error(`strace injection: ${injection.syscall} is not a traced system call`);
    const what = injection.type === 'kill' ? 'signal=KILL' : `error=${injection.errno}`;
    argv.push('-e', `inject=${injection.syscall}:${what}:when=${injection.nth}`);
  }
  return [...argv, '--', ...command];
}

let found: string | null | undefined;
let unusable: string | null = null;

/** A strace that can trace here, or null: not installed, or unable to trace (a container without
 *  ptrace). Storage-level faults are then skipped, and said so, never run into false failures. */
export function straceExecutable(): string | null {
  if (found !== undefined) return found;
  found = null;
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'strace');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      const probe = spawnSync(candidate, ['-f', '-qq', '-o', '/dev/null', '--', 'true'], { encoding: 'utf8', timeout: STRACE_PROBE_TIMEOUT_MS });
      if (probe.status === 0) found = candidate;
      else unusable = `${candidate} cannot trace here (${(probe.stderr ?? '').trim().split('\n')[0] || `exit ${probe.status}`}; a container needs the ptrace capability)`;
      break;
    } catch {
      // not here
    }
  }
  return found;
}

/** Bound on the one trial trace that checks strace works on this machine. */
export const STRACE_PROBE_TIMEOUT_MS = 10_000;

const INSTALL = 'install it: `apt-get install strace`, or `bash tools/install-debian-packages.sh`';

/** Why there is no usable strace, for the line that says what was skipped. */
export function straceMissing(): string {
  straceExecutable();
  return unusable !== null
    ? `${unusable}, so no file-operation trace, syscall crash point or power-loss state can be made`
    : `strace is not installed, so no file-operation trace, syscall crash point or power-loss state can be made (${INSTALL})`;
}
