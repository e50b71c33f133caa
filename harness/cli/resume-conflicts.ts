// What --resume refuses: a suite whose SUT changed since it started (manifest file bytes, or the
// command resolved from it), and options given now that differ from the ones the suite stored. One
// line each, naming the option and both values; the caller prints them and exits 2.

import type { StoredSuiteOptions } from '../run/run-suite.js';
import type { SuiteFingerprint } from '../store/store.js';

/** Options a resumed suite takes from its store; giving another value would change its cases. */
export type FixedOption = 'manifestFile' | 'scenarios' | 'cases' | 'seed' | 'level' | 'shrink' | 'serve' | 'runTimeoutMs' | 'caseTimeoutMs' | 'restartsMax' | 'reruns' | 'checkDeterminism';

const FLAG: Record<FixedOption, string> = {
  manifestFile: '--sut',
  scenarios: '--scenarios',
  cases: '--cases',
  seed: '--seed',
  level: '--level',
  shrink: '--no-shrink',
  serve: '--no-serve',
  runTimeoutMs: '--run-timeout',
  caseTimeoutMs: '--case-timeout',
  restartsMax: '--restarts-max',
  reruns: '--reruns',
  checkDeterminism: '--check-determinism',
};

function storedValue(o: StoredSuiteOptions, k: FixedOption): unknown {
  switch (k) {
    case 'runTimeoutMs':
    case 'caseTimeoutMs':
    case 'restartsMax':
      return o.bounds[k];
    case 'manifestFile':
    case 'scenarios':
    case 'cases':
    case 'seed':
    case 'level':
    case 'shrink':
    case 'serve':
    case 'reruns':
    case 'checkDeterminism':
      return o[k];
    default: {
      const never: never = k;
      throw new Error(`unknown option ${JSON.stringify(never)}`);
    }
  }
}

const show = (k: FixedOption, v: unknown): string => (k === 'shrink' ? (v === false ? 'shrinking off' : 'shrinking on') : k === 'serve' ? (v === false ? 'serve off' : 'serve on') : k === 'checkDeterminism' ? (v === true ? 'the determinism check on' : 'the determinism check off') : `${FLAG[k]} ${JSON.stringify(v)}`);

export function resumeConflicts(suiteId: number, stored: StoredSuiteOptions, given: Partial<Record<FixedOption, unknown>>, fingerprint: { stored: SuiteFingerprint | undefined; now: SuiteFingerprint }): string[] {
  const lines: string[] = [];
  const f = fingerprint.stored;
  if (f !== undefined && f.manifestSha256 !== fingerprint.now.manifestSha256) {
    lines.push(`--resume: the manifest ${stored.manifestFile} changed since suite ${suiteId} started (sha256 ${f.manifestSha256.slice(0, 12)} then, ${fingerprint.now.manifestSha256.slice(0, 12)} now); start a new suite`);
  }
  if (f !== undefined && f.commandJson !== fingerprint.now.commandJson) {
    lines.push(`--resume: the SUT command changed since suite ${suiteId} started (${f.commandJson} then, ${fingerprint.now.commandJson} now); start a new suite`);
  }
  for (const [k, v] of Object.entries(given) as [FixedOption, unknown][]) {
    const was = storedValue(stored, k);
    if (JSON.stringify(was ?? null) === JSON.stringify(v ?? null)) continue;
    lines.push(`${FLAG[k]} conflicts with suite ${suiteId}, which started with ${show(k, was)}: resume without it, or start a new suite`);
  }
  return lines;
}
