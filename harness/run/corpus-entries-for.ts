// Which entries of the regression corpus a suite replays first: those of this SUT (by name), whose
// scenario it supports and whose level it claims and this machine can run; the rest are skipped
// with the reason, never silently.

import { scenarioNames } from '../../scenarios/catalog.js';
import { levelUnavailable, levelUnsupported } from '../case/conformance-level.js';
import type { Manifest } from '../protocol/manifest.js';
import { supportedScenarios } from '../case/supported-scenarios.js';
import { CORPUS_ENTRIES_MAX, type CorpusEntry } from '../store/corpus-file.js';

export function corpusEntriesFor(entries: readonly CorpusEntry[], manifest: Manifest): { replay: CorpusEntry[]; skipped: { entry: CorpusEntry; why: string }[] } {
  const replay: CorpusEntry[] = [];
  const skipped: { entry: CorpusEntry; why: string }[] = [];
  const supported = new Set(supportedScenarios(manifest).scenarios.map((s) => s.name));
  for (const entry of entries) {
    if (entry.sut !== manifest.name) continue;
    const why = !scenarioNames().includes(entry.scenario)
      ? `unknown scenario ${entry.scenario}`
      : !supported.has(entry.scenario)
        ? `the SUT does not implement scenario ${entry.scenario}`
        : (levelUnsupported(manifest, entry.level) ?? levelUnavailable(entry.level));
    if (why !== null) skipped.push({ entry, why });
    else if (replay.length < CORPUS_ENTRIES_MAX) replay.push(entry);
  }
  return { replay, skipped };
}
