// Expected against received, batch by batch: what the failure-free run committed for each (output,
// batch time), from its stored output-committed events, beside what the faulty run committed across
// all its starts (how often, how many records, whether the bytes were the same).

import type { EventDbRow } from './case-rows.js';

export interface Commit {
  records: number;
  sha256: string;
}

export interface BatchCommits {
  output: string;
  batchTimeMs: number;
  /** The failure-free run's commits (normally one); empty when it committed nothing here. */
  expected: Commit[];
  /** The faulty run's commits, in order, over every start. */
  received: Commit[];
}

export function batchCommits(events: readonly EventDbRow[]): BatchCommits[] {
  const rows = new Map<string, BatchCommits>();
  for (const e of events) {
    if (e.kind !== 'event' || e.name !== 'output-committed') continue;
    const c = commitOf(e.json);
    if (c === null) continue;
    const key = JSON.stringify([c.output, c.batchTimeMs]);
    const row = rows.get(key) ?? { output: c.output, batchTimeMs: c.batchTimeMs, expected: [], received: [] };
    (e.run === 'failure-free' ? row.expected : row.received).push({ records: c.records, sha256: c.sha256 });
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => (a.output < b.output ? -1 : a.output > b.output ? 1 : a.batchTimeMs - b.batchTimeMs));
}

function commitOf(json: string): (Commit & { output: string; batchTimeMs: number }) | null {
  let x: unknown;
  try {
    x = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof x !== 'object' || x === null) return null;
  const o = x as Record<string, unknown>;
  if (typeof o['output'] !== 'string' || typeof o['batchTimeMs'] !== 'number' || typeof o['records'] !== 'number' || typeof o['sha256'] !== 'string') return null;
  return { output: o['output'], batchTimeMs: o['batchTimeMs'], records: o['records'], sha256: o['sha256'] };
}
