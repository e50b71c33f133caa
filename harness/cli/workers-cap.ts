// --workers is bounded by what this machine can hold: each worker keeps a SUT process (often two, with
// serving spares) and a case's files in memory, so a thousand workers on two cores would only thrash.

import * as os from 'node:os';

/** Cases per core that can still make progress (a case waits on its SUT much of the time). */
export const WORKERS_PER_CORE_MAX = 4;
/** Memory one worker may need: the SUT's processes and the case's files on the memory file system. */
export const WORKER_MEMORY_BYTES = 256 << 20;

/** The workers this machine allows, and a warning line when the request is cut to it. */
export function capWorkers(requested: number): { workers: number; warning: string | null } {
  const byCores = os.availableParallelism() * WORKERS_PER_CORE_MAX;
  const byMemory = Math.max(1, Math.floor(os.totalmem() / 2 / WORKER_MEMORY_BYTES));
  const cap = Math.max(1, Math.min(byCores, byMemory));
  if (requested <= cap) return { workers: requested, warning: null };
  const why = byCores <= byMemory ? `${os.availableParallelism()} cores × ${WORKERS_PER_CORE_MAX}` : `half of ${Math.round(os.totalmem() / 2 ** 30)} GiB of memory at ${WORKER_MEMORY_BYTES >> 20} MiB a worker`;
  return { workers: cap, warning: `warning: --workers ${requested} is more than this machine can run; using ${cap} (${why})` };
}
