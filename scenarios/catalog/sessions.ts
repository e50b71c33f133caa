// Per-key sessions with updateStateByKey: a session counts events and ends after a gap of idle
// batches (the key is removed), and a per-key sum that ends at the first empty batch. Keys come
// and go, so recovery must restore removals as well as values.

import * as fc from 'fast-check';
import { checkpointOf, namedScenario } from '../named-scenario.js';
import { key, smallInt } from '../input/values.js';

export const sessions = namedScenario({
  name: 'sessions',
  description: 'events -> updateStateByKey(session with a gap of 2..4 idle batches) and updateStateByKey(sum-until-empty)',
  inputs: { events: 'pair' },
  // Few keys per batch, so that keys have idle batches and their sessions end.
  values: { events: fc.tuple(fc.oneof({ weight: 2, arbitrary: key }, { weight: 1, arbitrary: fc.constantFrom('ivan', 'judy', 'mallory') }), smallInt) },
  operations: (config) => [
    // The gap is the window, in batches, kept within 2..4.
    { id: 'sessions', op: 'updateStateByKey', from: 'events', fn: { name: 'session', arg: Math.min(4, Math.max(2, config.windowMs / config.batchIntervalMs)) }, ...checkpointOf(config) },
    { id: 'out-sessions', op: 'output', from: 'sessions' },
    { id: 'bursts', op: 'updateStateByKey', from: 'events', fn: 'sum-until-empty', ...checkpointOf(config) },
    { id: 'out-bursts', op: 'output', from: 'bursts' },
  ],
});
