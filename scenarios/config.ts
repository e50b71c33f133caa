// The configurations a case runs under, drawn so that every duration satisfies Spark's rules
// (DStream.validateAtStart, WindowedDStream): windows and slides on the batch grid, checkpoint
// intervals on the slide grid. configProblems states the same rules as checks, for tests and for
// configurations that arrive from elsewhere (a replay file).

import * as fc from 'fast-check';
import {
  BATCH_COUNT_MAX,
  BATCH_COUNT_MIN,
  BATCH_INTERVALS_MS,
  MAX_PENDING_BATCHES_MAX,
  WINDOW_BATCHES_MAX,
  WINDOW_SLIDE_BATCHES_MAX,
  type ScenarioConfig,
} from './scenario.js';

export interface ConfigLimits {
  batchCountMin?: number;
  batchCountMax?: number;
}

export function scenarioConfig(limits: ConfigLimits = {}): fc.Arbitrary<ScenarioConfig> {
  const batchCountMin = Math.max(BATCH_COUNT_MIN, limits.batchCountMin ?? BATCH_COUNT_MIN);
  const batchCountMax = Math.min(BATCH_COUNT_MAX, limits.batchCountMax ?? BATCH_COUNT_MAX);
  return fc
    .record({
      batchIntervalMs: fc.constantFrom(...BATCH_INTERVALS_MS),
      batchCount: fc.integer({ min: batchCountMin, max: batchCountMax }),
      // Usually the end time is on a batch boundary; sometimes it lies just past one.
      endFraction: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 0.99, noNaN: true }) }),
      slideBatches: fc.integer({ min: 1, max: WINDOW_SLIDE_BATCHES_MAX }),
      extraWindowBatches: fc.integer({ min: 0, max: WINDOW_BATCHES_MAX - 1 }),
      // undefined: leave the interval to the engine's default (10 s, or 10 batches for mapWithState).
      checkpointSlides: fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) }),
      maxPendingBatches: fc.integer({ min: 1, max: MAX_PENDING_BATCHES_MAX }),
    })
    .map((d): ScenarioConfig => {
      const batch = d.batchIntervalMs;
      const windowBatches = Math.min(WINDOW_BATCHES_MAX, d.slideBatches + d.extraWindowBatches);
      const slideMs = d.slideBatches * batch;
      const config: ScenarioConfig = {
        batchIntervalMs: batch,
        batchCount: d.batchCount,
        endTimeMs: d.batchCount * batch + Math.floor(d.endFraction * batch),
        windowMs: windowBatches * batch,
        slideMs,
        maxPendingBatches: d.maxPendingBatches,
      };
      if (d.checkpointSlides !== undefined) config.checkpointIntervalMs = d.checkpointSlides * slideMs;
      return config;
    });
}

/** Every way the configuration breaks Spark's duration rules or the case-size limits; [] if none. */
export function configProblems(c: ScenarioConfig): string[] {
  const problems: string[] = [];
  const batch = c.batchIntervalMs;
  const multiple = (what: string, value: number, of: number, ofWhat: string) => {
    if (!Number.isSafeInteger(value) || value <= 0 || value % of !== 0) problems.push(`${what} ${value} ms is not a positive multiple of ${ofWhat} (${of} ms)`);
  };
  if (!(BATCH_INTERVALS_MS as readonly number[]).includes(batch)) problems.push(`batchIntervalMs ${batch} is not one of ${BATCH_INTERVALS_MS.join(', ')}`);
  if (!Number.isSafeInteger(c.batchCount) || c.batchCount < BATCH_COUNT_MIN || c.batchCount > BATCH_COUNT_MAX) {
    problems.push(`batchCount ${c.batchCount} is outside ${BATCH_COUNT_MIN}..${BATCH_COUNT_MAX}`);
  }
  if (!(c.endTimeMs >= c.batchCount * batch && c.endTimeMs < (c.batchCount + 1) * batch)) {
    problems.push(`endTimeMs ${c.endTimeMs} does not make ${c.batchCount} batches of ${batch} ms (expected ${c.batchCount * batch}..${(c.batchCount + 1) * batch - 1})`);
  }
  multiple('windowMs', c.windowMs, batch, 'the batch interval');
  multiple('slideMs', c.slideMs, batch, 'the batch interval');
  if (c.windowMs < c.slideMs) problems.push(`windowMs ${c.windowMs} is less than slideMs ${c.slideMs} (an inverse window needs window >= slide)`);
  if (c.windowMs > WINDOW_BATCHES_MAX * batch) problems.push(`windowMs ${c.windowMs} spans more than ${WINDOW_BATCHES_MAX} batches`);
  if (c.checkpointIntervalMs !== undefined) multiple('checkpointIntervalMs', c.checkpointIntervalMs, c.slideMs, 'the slide');
  if (!Number.isSafeInteger(c.maxPendingBatches) || c.maxPendingBatches < 1 || c.maxPendingBatches > MAX_PENDING_BATCHES_MAX) {
    problems.push(`maxPendingBatches ${c.maxPendingBatches} is outside 1..${MAX_PENDING_BATCHES_MAX}`);
  }
  return problems;
}
