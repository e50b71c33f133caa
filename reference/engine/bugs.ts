// The catalogue of checkpoint bugs the reference engine can be built with, for streamcheck's
// self-test (issue 5): each switch turns on exactly one realistic recovery bug, modelled on bugs
// that real engines have shipped. The normal engine never turns one on; only the variable
// STREAMCHECK_REFERENCE_BUG (read by the engine command) does, and the harness's self-test sets it.

export const BUGS = {
  'forget-pending-batches': 'recovery re-runs only the checkpoint\'s own batch and continues after the newest pending one: generated-but-unfinished batches are lost',
  'skip-checkpoint-batch': 'recovery does not re-run the checkpoint\'s own batch time (lost when the checkpoint was written at generation)',
  'stale-state-restore': 'a stateful stream is restored from its oldest referenced data checkpoint, placed at the newest one\'s time (state older than the metadata it is paired with)',
  'in-place-checkpoint-writes': 'checkpoint files are overwritten in place: no temporary file, no rename, no backup',
  'offsets-committed-before-output': 'input offsets count as consumed once a batch is generated: re-run pending batches read from the next offset instead of their own range',
  'drop-zero-window-keys': 'restoring an inverse window from a data checkpoint drops the keys whose value is the zero',
  'window-edge-off-by-one': 'after recovery an inverse window removes the batch at its new edge too (off by one on the window edge)',
  'no-checkpoint-fallback': 'the reader gives up at the first unusable checkpoint file instead of falling back to an older one',
  'trust-incomplete-checkpoint': 'the completion checkpoint is written before the batch\'s data checkpoints, and recovery uses the newest metadata without checking its data files (a missing one restores empty)',
  'state-checkpoint-before-update': 'the data checkpoint of batch T holds the state before batch T was applied',
  'state-in-scratch': 'data checkpoints are kept in the node-local scratch directory, not in reliable storage; a lost one restores empty',
  'append-output-on-rerun': 'a re-run batch appends its records to the committed output instead of replacing it',
  'restored-timeouts-reset': 'mapWithState state restored from a checkpoint takes the restore time as its last update, so timeouts fire late',
  'spark-data-cleanup': 'data checkpoints older than the newest metadata checkpoint\'s oldest reference are deleted (Spark\'s DStreamCheckpointData.cleanup), so a fallback to an older metadata checkpoint finds its data gone',
  'rename-without-fsync': 'checkpoint and output files are written to a temporary file and renamed into place without fsyncing the temporary file first: after power loss the renamed file can be empty',
  'no-directory-fsync': 'directories are never fsynced: not after a rename into them, not after making them, so after power loss renames and new directories can be undone while the files that depend on them survive',
} as const;

export type BugName = keyof typeof BUGS;

export function isBugName(name: string): name is BugName {
  return Object.hasOwn(BUGS, name);
}

/** Where a bug of this kind was shipped by a real engine (apache/spark and apache/flink trackers). */
export const BUG_PRECEDENTS: Partial<Record<BugName, string>> = {
  'forget-pending-batches': 'SPARK-18905: a failed job set was removed from JobScheduler.jobSets before the checkpoint, so its batch was never re-processed after recovery',
  'offsets-committed-before-output': 'azure-event-hubs-spark#29 (on Spark Streaming): stream state (offsets) updated before the batch finished is restored prematurely after a crash',
  'in-place-checkpoint-writes': 'FLINK-17808: the checkpoint metadata file was visible under its final name while still being written',
  'trust-incomplete-checkpoint': 'FLINK-22502: recovery tolerated failures to retrieve checkpoints and ran with an incomplete set, violating consistency',
  'spark-data-cleanup': 'SPARK-6222: checkpoint data was deleted by the pre-batch checkpoint while still needed, losing data on driver restart',
  'restored-timeouts-reset': 'SPARK-13195 / SPARK-11932: mapWithState (trackStateByKey) state recovered from an RDD checkpoint lost properties the live state had (timeout bookkeeping, partitioner)',
  'skip-checkpoint-batch': 'SPARK-12122: batch scheduling after recovery got the set of batches to (re)submit wrong (there: submitted twice)',
  'rename-without-fsync': 'ALICE (OSDI \'14) reports applications (LevelDB, HDFS and ZooKeeper among them) that assume a rename persists only after the file\'s earlier writes; ext4\'s auto_da_alloc exists because programs replace files by rename without fsync',
  'no-directory-fsync': 'ALICE (OSDI \'14) and CrashMonkey (OSDI \'18): missing directory fsyncs after creating or renaming files are among the most common crash-consistency bugs they report in applications',
  'stale-state-restore': 'apache/amoro#930 and apache/iceberg#6066 (Flink sinks): restoring state older than the committed metadata it is paired with',
};
