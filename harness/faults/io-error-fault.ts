// An I/O error: strace fails one write or fsync of a checkpoint file with EIO or ENOSPC, then the
// machine loses power, so the directories keep only what the SUT made durable (posix model; the
// failed call made nothing durable). A SUT must stop (non-zero exit) or retry; one that carries on
// as if the data were durable loses it here, and the restart's outputs show it.
// libfiu's fiu-run was the issue's suggestion; it cannot tell a checkpoint file from stdout and fails
// calls at random, so it could not be replayed — strace's injection is placed and deterministic.

import type { Fault } from './fault.js';
import { changeCount, crashState } from '../trace/crash-state.js';
import type { FileTrace } from '../trace/file-op.js';
import { writeImage } from '../trace/fs-image.js';
import type { WatchedRoot } from '../trace/parse-strace.js';
import type { Injection } from '../trace/strace-argv.js';

type IoError = Extract<Fault, { kind: 'io-error' }>;

export function ioErrorInjection(f: IoError): Injection | null {
  return f.syscall === null || f.nth === null ? null : { type: 'error', syscall: f.syscall, nth: f.nth, errno: f.errno };
}

/** After the start: whether the error landed, and if so the power loss that follows it. */
export function afterIoError(trace: FileTrace | null, roots: readonly WatchedRoot[]): { landed: boolean; detail: string } {
  if (trace === null) return { landed: false, detail: 'the start was not traced' };
  const e = trace.errorIn;
  if (e === null) return { landed: false, detail: 'the start made fewer calls than that' };
  if (trace.incomplete.length > 0) return { landed: false, detail: `${e.errno} landed, but the trace is incomplete, so no power-loss state follows: ${trace.incomplete.join('; ')}` };
  const s = crashState(trace, changeCount(trace), { type: 'durable', model: 'posix' });
  writeImage(s.image, roots);
  return { landed: true, detail: `${e.errno} from ${e.syscall} #${e.nth} on ${e.path ?? '?'}${e.batchTimeMs === null ? '' : ` (batch ${e.batchTimeMs})`} after ${e.seq - 1} file changes; then power loss: ${s.applied} of ${s.before} changes durable; ${s.detail}` };
}
