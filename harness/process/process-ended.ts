// How a child process ended, taken from its own exit (the kernel's wait status), not from the end of its
// output: execa's promise settles only once stdout and stderr close, which a grandchild can delay forever.

import type { ResultPromise } from 'execa';

export interface ProcessEnd {
  exitCode: number | null;
  signal: string | null;
  /** Set when the process could not be started at all (for example ENOENT). */
  spawnError: string | null;
}

export function processEnded(subprocess: ResultPromise): Promise<ProcessEnd> {
  if (subprocess.pid === undefined) {
    // Never started: execa's result carries the error, and there are no streams to wait for.
    return subprocess.then((r) => ({ exitCode: r.exitCode ?? null, signal: r.signal ?? null, spawnError: r.originalMessage ?? r.message ?? 'spawn failed' }));
  }
  // execa's own promise still settles when the streams close; nothing waits for it, and it never rejects (reject: false).
  void subprocess.catch(() => {});
  return new Promise<ProcessEnd>((resolve) => {
    subprocess.once('exit', (code: number | null, signal: NodeJS.Signals | null) => resolve({ exitCode: code, signal, spawnError: null }));
  });
}
