// Which output operations of a program carry a stateful stream's whole state at every batch, so
// that their files can be judged as state (see state-every-batch.ts).

interface Op {
  id: string;
  op: string;
  from?: unknown;
  inverseFn?: unknown;
}

export function statefulOutputs(program: unknown): Set<string> {
  const ops = ((program as { operations?: Op[] }).operations ?? []) as Op[];
  const stateful = new Set(
    ops
      .filter((o) => o.op === 'updateStateByKey' || o.op === 'stateSnapshots' || o.op === 'countByValueAndWindow' || (o.op === 'reduceByKeyAndWindow' && o.inverseFn !== undefined))
      .map((o) => o.id),
  );
  return new Set(ops.filter((o) => o.op === 'output' && typeof o.from === 'string' && stateful.has(o.from)).map((o) => o.id));
}
