// Exact replay (issue 12 item 3): the replay line a failing case of the bug catalogue prints, pasted
// into a shell, gives the same verdict and anomaly kind. Timed kills are replayed at the event line
// where they landed (--kill-at-events), and their crash state is checked against the digest the
// recorded kill left: reproduced by a try of the replay's own, or put back from --crash-states, never
// merely close — so every replay, not one in several, fails the same way.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import fc from 'fast-check';
import { execa } from 'execa';
import type { BugName } from '../reference/engine/bugs.js';
import { formatCorruptFiles, formatKillAtEvents, parseCorruptFiles, parseKillAtEvents, replayLine } from '../harness/case/replay-line.js';
import { DEFAULT_RUN_BOUNDS } from '../harness/run/run-bounds.js';
import { runSuite } from '../harness/run/run-suite.js';
import { BUG_SCENARIOS } from '../harness/selftest/bug-scenarios.js';
import { variantManifest } from '../harness/selftest/variant-manifest.js';
import type { Level } from '../harness/case/conformance-level.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(root, 'dist/harness/cli/streamcheck.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-exact-replay-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The words of a printed replay line, as a POSIX shell splits it (the builder quotes with JSON strings). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) words.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2]!);
  return words;
}

test('--kill-at-events round-trips through its printed form', (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.oneof(fc.record({ attempt: fc.integer({ min: 1, max: 11 }), event: fc.constant(null) }), fc.record({ attempt: fc.integer({ min: 1, max: 11 }), event: fc.nat(500) }), fc.record({ attempt: fc.integer({ min: 1, max: 11 }), event: fc.nat(500), afterMs: fc.integer({ min: 1, max: 9000 }) })), { selector: (k) => k.attempt }), (kills) => {
      t.deepEqual(parseKillAtEvents(formatKillAtEvents(kills)), [...kills].sort((a, b) => a.attempt - b.attempt));
    }),
  );
  t.throws(() => parseKillAtEvents('1:5,1:6'), { message: /names start 1 twice/ });
  t.throws(() => parseKillAtEvents('0:5'), { message: /--kill-at-events must look like/ });
});

test('--corrupt-files round-trips through its printed form, whatever the SUT named its files', (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.record({ attempt: fc.integer({ min: 2, max: 11 }), file: fc.string({ minLength: 1, maxLength: 30, unit: 'binary' }) }), { selector: (k) => k.attempt }), (files) => {
      const text = formatCorruptFiles(files);
      t.regex(text, /^[\w@%+=:,./!~*'()-]*$/);
      t.deepEqual(parseCorruptFiles(text), [...files].sort((a, b) => a.attempt - b.attempt));
    }),
  );
  t.throws(() => parseCorruptFiles('1:checkpoint-1'), { message: /--corrupt-files must look like/ });
});

test('a replay line carries every option that influenced the case', (t) => {
  const line = replayLine({ scenario: 'join', seed: 3, path: '0:2', manifestFile: '/x y/m.json', level: 'L2', bounds: { runTimeoutMs: 1000, caseTimeoutMs: 9000, restartsMax: 2 }, serve: false, killAtEvents: [{ attempt: 2, event: null }, { attempt: 1, event: 4, afterMs: 12 }] });
  t.deepEqual(shellWords(line), ['npx', 'streamcheck', 'replay', '--sut', '/x y/m.json', '--level', 'L2', '--scenario', 'join', '--seed', '3', '--path', '0:2', '--run-timeout', '1000ms', '--case-timeout', '9000ms', '--restarts-max', '2', '--no-serve', '--kill-at-events', '1:4+12ms,2:-']);
});

// Bugs a timed kill (L2) or the bug's own level catches within seconds, with the level to draw at.
/** Replays of each failing case, every one of which must give the anomaly. */
const REPLAYS = 2;

const CATALOGUE: readonly [BugName, Level][] = [
  ['append-output-on-rerun', 'L2'],
  ['forget-pending-batches', 'L2'],
  ['state-in-scratch', 'L4'],
  ['no-checkpoint-fallback', 'L4'],
];

test.serial('replaying the printed line of a failing case of the bug catalogue gives the same anomaly', async (t) => {
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...CATALOGUE), fc.integer({ min: 1, max: 1000 }), async ([bug, level], seed) => {
      const { file, sut } = variantManifest(bug, path.join(tmp, 'manifests'));
      const r = await runSuite({ sut, manifestFile: file, scenarios: [...BUG_SCENARIOS[bug]], cases: 60, seed, workers: 2, dbFile: path.join(tmp, `${bug}-${seed}.sqlite`), timeBudgetMs: 40_000, bounds: DEFAULT_RUN_BOUNDS, shrink: false, shrinkBudgetMs: 0, serve: true, level, stopAtFirstFailure: true });
      const failure = r.failures[0];
      if (failure === undefined) return; // not caught with this seed: nothing to replay
      const anomaly = failure.result.verdict.anomaly?.kind;
      const words = shellWords(failure.replayLine);
      t.deepEqual(words.slice(0, 3), ['npx', 'streamcheck', 'replay']);
      // A timed kill of a start that ran (one the run never reached, after the SUT gave up, needs no place).
      if (failure.result.timeline.some((e) => e.type === 'fault' && e.run === 'faulty' && e.fault.kind === 'kill-after')) t.true(words.includes('--kill-at-events'), failure.replayLine);
      // A corruption that landed names the file it struck ("newest" ties within a tick of the file system's clock).
      if (failure.result.timeline.some((e) => e.type === 'fault' && e.run === 'faulty' && e.fault.kind === 'corrupt-checkpoint' && e.injected)) t.true(words.includes('--corrupt-files'), failure.replayLine);
      // Every replay prints the same line back, leaves every recorded crash state exactly, and fails the same way.
      const kept = path.join(tmp, 'kept');
      const firsts: string[] = [];
      let same = 0;
      for (let i = 0; i < REPLAYS; i++) {
        const replay = await execa('node', [CLI, ...words.slice(2), '--keep', kept], { reject: false, timeout: 120_000 });
        const lines = replay.stdout.split('\n');
        firsts.push(lines[0] ?? replay.stderr);
        t.is(lines.find((l) => l.startsWith('replay: ')), `replay: ${failure.replayLine}`, `${bug}: the replay ran another case, or its kills landed elsewhere:\n${lines.filter((l) => /^ {2}start \d+: |^(FAIL|PASS|UNKNOWN) /.test(l)).join('\n')}`);
        t.false(/a replayed timed kill[^)]*\) \(not injected/.test(replay.stdout), `${bug}: a replayed timed kill did not land`);
        const states = failure.result.killAtEvents.filter((k) => k.state !== undefined).length;
        t.false(/NOT reproduced/.test(replay.stdout), `${bug}: a recorded crash state was not reproduced:\n${replay.stdout.split('\n').filter((l) => l.includes('NOT reproduced')).join('\n')}`);
        t.is((replay.stdout.match(/^ {2}start \d+: .*crash state [0-9a-f]+ (reproduced exactly|put back from)/gm) ?? []).length, states, `${bug}: each recorded crash state is reproduced or put back:\n${lines.filter((l) => /^ {2}start \d+: /.test(l)).join('\n')}`);
        if (replay.exitCode === 1 && (lines[0] ?? '').startsWith(`FAIL scenario=${failure.scenario} seed=${failure.seed} path=${failure.path}: ${anomaly}`)) same += 1;
      }
      t.log(`${bug}: ${anomaly} in ${same} of ${REPLAYS} replays: ${failure.replayLine}`);
      t.is(same, REPLAYS, `${bug} seed ${seed}: expected ${anomaly} from ${failure.replayLine} in every replay; replays printed:\n${firsts.join('\n')}`);
      checked += 1;
    }),
    { numRuns: 8, seed: 12, endOnFailure: true, examples: CATALOGUE.map((c) => [c, 1] as [[BugName, Level], number]) },
  );
  t.true(checked >= 2, `only ${checked} failing cases were replayed`);
});
