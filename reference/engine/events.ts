// The engine's progress events, printed as JSON lines on stdout so a supervising process can follow a
// run (protocol: harness/protocol/PROTOCOL.md). One union, switched exhaustively by consumers.

export type EngineEvent =
  | { event: 'start'; recovered: boolean; checkpointTimeMs: number | null; checkpointFile: string | null }
  | { event: 'checkpoint-skipped'; file: string; reason: string }
  | { event: 'recovery'; checkpointTimeMs: number; pendingTimes: number[]; rescheduled: number[]; restartTimeMs: number; restoredData: Record<string, number[]> }
  | { event: 'batch-generated'; batchTimeMs: number; offsets: Record<string, [number, number]>; jobs: number }
  | { event: 'output-committed'; output: string; batchTimeMs: number; records: number; sha256: string }
  | { event: 'data-checkpoint-written'; stream: string; batchTimeMs: number; file: string }
  | { event: 'checkpoint-written'; checkpointTimeMs: number; file: string; kind: 'generation' | 'completion'; pendingTimes: number[] }
  | { event: 'batch-completed'; batchTimeMs: number }
  | { event: 'crash-point'; n: number; name: CrashPointName; batchTimeMs: number | null }
  | { event: 'done'; batchesCompleted: number; crashPoints: number; inputBatchesRead: number; lastBatchTimeMs: number | null };

/** Every place where a crash could leave the checkpoint or output directory in a distinct state. */
export const CRASH_POINT_NAMES = [
  'recovery:checkpoint-read',
  'recovery:batches-rescheduled',
  'generate:before-queue',
  'job:before-run',
  'output:mid-write',
  'output:written',
  'output:fsynced',
  'output:renamed',
  'data-checkpoint:mid-write',
  'data-checkpoint:written',
  'data-checkpoint:fsynced',
  'data-checkpoint:renamed',
  'batch:before-completion-checkpoint',
  'checkpoint:mid-write',
  'checkpoint:written',
  'checkpoint:fsynced',
  'checkpoint:backup-renamed',
  'checkpoint:renamed',
  'checkpoint:dir-fsynced',
  'checkpoint:old-deleted',
  'cleanup:data-deleted',
] as const;

export type CrashPointName = (typeof CRASH_POINT_NAMES)[number];
