// What a failed check found: the kind of anomaly and the first batch, output and key where it shows,
// with what was expected and what was received.

export type AnomalyKind =
  /** An expected (output, batch time) has no committed file. */
  | 'lost-batch'
  /** A committed file at an (output, batch time) nothing should commit. */
  | 'phantom-output'
  /** A file that is not the canonical bytes of a valid output file, or sits at the wrong path. */
  | 'malformed-output'
  /** exactly-once: a batch was committed more than once. */
  | 'duplicate-commit'
  /** A batch was committed again with different bytes. */
  | 'duplicate-different'
  /** Committed records differ from the reference (model or failure-free run). */
  | 'wrong-value'
  /** A stateful stream's state differs from the failure-free run's (at a batch, or at the end). */
  | 'state-differs'
  /** A stateful stream's state went back to what it was at an earlier batch. */
  | 'state-rolled-back'
  /** No final state file, or an unreadable one. */
  | 'missing-final-state'
  /** The SUT never exited 0 within its bounds. */
  | 'did-not-finish'
  /** A start went past an output bound (stdout line, stdout bytes, events, an output file's size): named with its size. */
  | 'output-too-large';

export interface Anomaly {
  kind: AnomalyKind;
  /** The checker that found it. */
  checker: string;
  output: string | null;
  batchTimeMs: number | null;
  /** Canonical text of the first key (or record) that differs, when there is one. */
  key: string | null;
  expected?: unknown;
  received?: unknown;
  message: string;
}
