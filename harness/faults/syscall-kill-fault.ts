// SIGKILL at a file operation: strace injects the signal as the SUT's thread enters the nth call of
// one system call, so the crash lands at the same operation every time the case runs (timed kills do
// not). Whether it landed is read from the trace and the exit, never assumed.

import type { Fault } from './fault.js';
import type { ProcessExit } from '../process/process-exit.js';
import type { FileTrace } from '../trace/file-op.js';
import type { Injection } from '../trace/strace-argv.js';

type SyscallKill = Extract<Fault, { kind: 'syscall-kill' }>;

export function syscallKillInjection(f: SyscallKill): Injection | null {
  return f.syscall === null || f.nth === null ? null : { type: 'kill', syscall: f.syscall, nth: f.nth };
}

/** Whether the kill struck, and where: the operation the thread was entering, by its place among the start's file changes. */
export function syscallKillLanded(exit: ProcessExit, trace: FileTrace | null): { landed: boolean; detail: string } {
  if (trace === null) return { landed: false, detail: 'the start was not traced' };
  const k = trace.killedIn;
  if (k === null || exit.type !== 'signal') return { landed: false, detail: `the start made fewer calls than that (exit: ${exit.type})` };
  const batch = trace.ops.findLast((op) => op.seq > 0 && op.seq < k.seq)?.batchTimeMs ?? null;
  return { landed: true, detail: `killed entering ${k.syscall} #${k.nth} of thread ${k.tid}, after ${k.seq - 1} file changes${batch === null ? '' : ` (batch ${batch})`}` };
}
