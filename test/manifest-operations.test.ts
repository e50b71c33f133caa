// The manifest's `operations` decide what a SUT is given: the reference engine lists every op of
// the program format; the Python SUT lists only what it implements, so none of the rest of the
// DStream API (transforms, glom, mapPartitions, repartition, slice); and every named scenario that
// uses the fields and functions added with those ops (initialState, time-aware or Option-returning
// functions, rdd and partition functions) also uses one of those ops, so a SUT that lacks them is
// never handed a program it cannot read.

import test from 'ava';
import fc from 'fast-check';
import { supportedScenarios } from '../harness/case/supported-scenarios.js';
import { loadManifest } from '../harness/protocol/manifest.js';
import { OPERATION_NAMES } from '../harness/protocol/operation-names.js';
import { CATALOG } from '../scenarios/catalog.js';

/** The ops added for issue 16 (the rest of Spark's DStream API). */
const NEW_OPS = ['transform', 'transformWith', 'contextTransform', 'glom', 'mapPartitions', 'repartition', 'slice'];
/** Registry functions added with them, which only programs using NEW_OPS may name. */
const NEW_FUNCTIONS = ['parse-int', 'pair-of', 'element', 'with-derived', 'add-batch-time', 'silent-sum', 'first-seen-time'];

test('the reference engine lists every operation of the program format', (t) => {
  t.deepEqual([...(loadManifest('harness/protocol/reference-engine.manifest.json').manifest.operations ?? [])].sort(), [...OPERATION_NAMES].sort());
});

test('the Python SUT lists none of the operations it does not implement, and is not given their scenarios', (t) => {
  const manifest = loadManifest('examples/python-sut/manifest.json').manifest;
  const ops = manifest.operations ?? [];
  t.deepEqual(ops.filter((op) => NEW_OPS.includes(op)), []);
  const { scenarios, skipped } = supportedScenarios(manifest);
  const names = scenarios.map((s) => s.name);
  for (const s of ['seeded-state', 'partitions', 'random']) t.false(names.includes(s), `${s} offered to the Python SUT`);
  t.is(skipped.find((s) => s.name === 'partitions')?.why, 'the SUT does not implement operations contextTransform, glom, mapPartitions, repartition, slice, transformWith');
});

test('every named scenario program that uses an initial state or a new function also uses a new operation', (t) => {
  for (const scenario of CATALOG.filter((s) => s.name !== 'random')) {
    for (const config of fc.sample(scenario.config, { seed: 3, numRuns: 20 })) {
      const program = fc.sample(scenario.program(config), { seed: 3, numRuns: 1 })[0]!;
      const text = JSON.stringify(program.operations);
      const usesNewFields = text.includes('"initialState"') || NEW_FUNCTIONS.some((f) => text.includes(`"${f}"`));
      const usesNewOp = program.operations.some((o) => NEW_OPS.includes(o.op));
      t.false(usesNewFields && !usesNewOp, `${scenario.name}: uses a new field or function without a new operation`);
    }
  }
});
