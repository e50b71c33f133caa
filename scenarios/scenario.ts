// What one crash case tests, before any fault is planned: a named streaming program, the
// configuration it runs under and the input it reads. A Scenario is a family of such cases as
// fast-check arbitraries, so the harness can draw a whole case from one seed.

import type * as fc from 'fast-check';
import type { Program } from '../reference/program/schema.js';
import type { InputLog } from '../reference/source/input-log.js';

/** Batch intervals a case may use: small, so a crash case with restarts stays fast. */
export const BATCH_INTERVALS_MS = [100, 200, 500, 1000] as const;
export type BatchIntervalMs = (typeof BATCH_INTERVALS_MS)[number];

export const BATCH_COUNT_MIN = 3;
export const BATCH_COUNT_MAX = 30;
/** How many batches the engine's job generator may run ahead of its job runner. */
export const MAX_PENDING_BATCHES_MAX = 4;
/** Windows span at most this many batches and slide by at most WINDOW_SLIDE_BATCHES_MAX. */
export const WINDOW_BATCHES_MAX = 8;
export const WINDOW_SLIDE_BATCHES_MAX = 4;

/**
 * The durations and sizes of one run. They follow Spark's rules: windowMs and slideMs are
 * multiples of the batch interval, windowMs >= slideMs (so a window with an inverse function is
 * always allowed), and checkpointIntervalMs, when set, is a multiple of slideMs.
 */
export interface ScenarioConfig {
  batchIntervalMs: BatchIntervalMs;
  /** Batches of the run: times k x batchIntervalMs for k = 1..batchCount. */
  batchCount: number;
  /** The input log's endTimeMs: in [batchCount x batch, (batchCount + 1) x batch). */
  endTimeMs: number;
  /** Window length used by the scenario's windowed operations (and other per-scenario spans). */
  windowMs: number;
  slideMs: number;
  /** DStream.checkpoint(interval) for the stateful operations; absent: the engine's default. */
  checkpointIntervalMs?: number;
  /** 1..MAX_PENDING_BATCHES_MAX; carried through to the engine. */
  maxPendingBatches: number;
}

export interface Scenario {
  /** The name a user passes to `streamcheck replay`. */
  name: string;
  /** One sentence: what the scenario exercises and why. */
  description: string;
  config: fc.Arbitrary<ScenarioConfig>;
  /** The program for a configuration: one fixed program for a named scenario, drawn for `random`. */
  program(config: ScenarioConfig): fc.Arbitrary<Program>;
  /** Input logs for the program: one stream per program input, endTimeMs = config.endTimeMs. */
  input(config: ScenarioConfig, program: Program): fc.Arbitrary<InputLog>;
}

/** Everything a crash case needs from the scenario room; the harness adds the fault plan. */
export interface ScenarioCase {
  scenario: string;
  config: ScenarioConfig;
  /** Program JSON (format v1); program.batchIntervalMs === config.batchIntervalMs. */
  program: Program;
  input: InputLog;
}
