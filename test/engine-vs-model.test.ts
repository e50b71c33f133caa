// The reference engine against the independent model: for random programs (random graphs of every
// operation, durations that satisfy Spark's rules) and random inputs (empty batches, bursts, late
// arrivals), a failure-free run of the engine commits exactly the outputs the model derives from the
// definitions. Failures print fast-check's seed and path, which replay the case.

import test from 'ava';
import fc from 'fast-check';
import { validateProgram } from '../reference/program/validate.js';
import { runInMemory } from '../reference/engine/run-in-memory.js';
import { expectedOutputs } from '../scenarios/model/expected-outputs.js';
import { scenarioCase } from '../scenarios/scenario-case.js';
import { CATALOG, scenarioNamed } from '../scenarios/catalog.js';

const runsPerScenario = 60;
const randomProgramRuns = 1000;

for (const scenario of CATALOG) {
  test(`engine equals model: ${scenario.name}`, (t) => {
    fc.assert(
      fc.property(scenarioCase([scenarioNamed(scenario.name)]), (c) => {
        const program = validateProgram(c.program);
        const engine = runInMemory(program, c.input, { maxPendingBatches: c.config.maxPendingBatches });
        const model = expectedOutputs(program, c.input);
        if (JSON.stringify(engine) !== JSON.stringify(model)) {
          const i = engine.findIndex((o, k) => JSON.stringify(o) !== JSON.stringify(model[k]));
          throw new Error(
            `scenario ${c.scenario}: first difference at output ${i}: engine ${JSON.stringify(engine[i])?.slice(0, 300)} model ${JSON.stringify(model[i])?.slice(0, 300)}`,
          );
        }
      }),
      { numRuns: scenario.name === 'random' ? randomProgramRuns : runsPerScenario },
    );
    t.pass();
  });
}

test('the comparison can fail: a program that differs from the one the model is given is caught', (t) => {
  const c = fc.sample(scenarioCase([scenarioNamed('word-count')]), { seed: 7, numRuns: 1 })[0]!;
  const program = validateProgram(c.program);
  const other = validateProgram({ ...(c.program as object), operations: (c.program as { operations: { op: string }[] }).operations.map((o) => (o.op === 'reduceByKey' ? { ...o, fn: 'max' } : o)) });
  const engine = runInMemory(other, c.input);
  const model = expectedOutputs(program, c.input);
  const hasRepeatedWord = model.some((o) => o.records.some((r) => Array.isArray(r) && typeof r[1] === 'number' && r[1] > 1));
  t.true(hasRepeatedWord, 'the sample case must count some word twice for sum and max to differ');
  t.notDeepEqual(engine, model);
});
