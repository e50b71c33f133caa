// Where a suite's working directories go: a memory file system (/dev/shm) when there is one. A
// crash test kills processes, not machines, so what a SIGKILLed process wrote is as durable in
// memory as on disk, and fsync there costs nothing; cases that are kept move to the results folder.

import * as fs from 'node:fs';
import * as os from 'node:os';

const SHM = '/dev/shm';

export function fastTempRoot(): string {
  if (process.env.STREAMCHECK_TMPDIR !== undefined && process.env.STREAMCHECK_TMPDIR !== '') return process.env.STREAMCHECK_TMPDIR;
  try {
    fs.accessSync(SHM, fs.constants.W_OK);
    if (fs.statSync(SHM).isDirectory()) return SHM;
  } catch {
    // no memory file system here
  }
  return os.tmpdir();
}
