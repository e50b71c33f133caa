// Builds the DStream graph of a validated program (Spark's DStreamGraph): one node per primitive
// stream, composite operations expanded the way Spark's API expands them (countByWindow into
// map + reduceByKeyAndWindow + map, and so on), then initialized with Spark's rules for checkpoint
// intervals and remember durations.

import type { Operation } from '../program/schema.js';
import type { ValidProgram } from '../program/validate.js';
import type { Value } from '../program/value.js';
import type { InputLog } from '../source/input-log.js';
import { countByValueCombine, countCombine, groupByKeyBatch, reduceByKeyCombine, reduceCombine } from '../operators/aggregations.js';
import { filterStep, flatMapStep, flatMapValuesStep, mapStep, mapValuesStep, unionBatch } from '../operators/element-wise.js';
import type { ElementStep } from './pipelined-rdd.js';
import { ForEachDStream, type Job } from '../operators/for-each-stream.js';
import { InputDStream } from '../operators/input-stream.js';
import { joinBatch } from '../operators/joins.js';
import { InternalMapWithStateDStream, MapWithStateOutputDStream } from '../operators/map-with-state-stream.js';
import { ReducedWindowedDStream } from '../operators/reduced-windowed-stream.js';
import { StateDStream } from '../operators/state-stream.js';
import { TransformedDStream, type BatchOp, type Partitioning } from '../operators/transformed-stream.js';
import { PartitionedDStream } from '../operators/partitioned-stream.js';
import { resolveFn } from '../program/functions.js';
import { WindowedDStream } from '../operators/windowed-stream.js';
import { DStream, EngineError } from './dstream.js';

const ZERO_TIME_MS = 0;

const element = (step: ElementStep): BatchOp => ({ kind: 'element', step });
const combine = (fn: Extract<BatchOp, { kind: 'combine' }>['fn']): BatchOp => ({ kind: 'combine', fn });
const batchOf = (fn: Extract<BatchOp, { kind: 'batch' }>['fn']): BatchOp => ({ kind: 'batch', fn });

const pairWithZeroKey = element((r, emit) => emit([0, r]));
const toOne = element((_, emit) => emit(1));
const toPairWithOne = element((r, emit) => emit([r, 1]));
const valuesOf = element((r, emit) => emit((r as [Value, Value])[1]));

export class StreamGraph {
  /** Every node, internal ones included, by node id. */
  readonly nodes = new Map<string, DStream<unknown>>();
  readonly inputs = new Map<string, InputDStream>();
  readonly outputs: ForEachDStream[] = [];
  /** The user-facing stream of each program stream id. */
  private readonly streams = new Map<string, DStream<Value[]>>();
  /** Stateful operations whose state the engine reports at the end: op id -> node. */
  readonly stateful = new Map<string, DStream<unknown>>();
  /** checkpointingNodes(), fixed by start(): intervals and zero times are set there, once. */
  private checkpointing: readonly DStream<unknown>[] = [];

  constructor(readonly program: ValidProgram, log: InputLog) {
    const batch = program.batchIntervalMs;
    for (const name of program.inputs) {
      const input = new InputDStream(name, batch, log.streams[name] ?? []);
      this.inputs.set(name, input);
      this.add(input);
      this.streams.set(name, input);
    }
    for (const op of program.program.operations) this.build(op);
    if (this.outputs.length === 0) throw new EngineError('no output operations registered, so nothing to execute');
  }

  private add<N extends DStream<unknown>>(node: N): N {
    if (this.nodes.has(node.id)) throw new EngineError(`duplicate stream node ${node.id}`);
    this.nodes.set(node.id, node);
    return node;
  }

  private stream(id: string): DStream<Value[]> {
    const s = this.streams.get(id);
    if (s === undefined) throw new EngineError(`unknown stream ${id}`);
    return s;
  }

  private build(op: Operation): void {
    const t = (id: string, parents: DStream<Value[]>[], op: BatchOp, partitioning?: Partitioning) => this.add(new TransformedDStream(id, parents, op, partitioning));
    /** The node the operation's checkpointIntervalMs applies to (its stateful part, if any). */
    let checkpointed: DStream<unknown>;
    let result: DStream<Value[]>;
    switch (op.op) {
      case 'map':
        result = t(op.id, [this.stream(op.from)], element(mapStep(op.fn)), 'per-partition');
        break;
      case 'flatMap':
        result = t(op.id, [this.stream(op.from)], element(flatMapStep(op.fn)), 'per-partition');
        break;
      case 'filter':
        result = t(op.id, [this.stream(op.from)], element(filterStep(op.fn)), 'per-partition');
        break;
      case 'mapValues':
        result = t(op.id, [this.stream(op.from)], element(mapValuesStep(op.fn)), 'per-partition');
        break;
      case 'flatMapValues':
        result = t(op.id, [this.stream(op.from)], element(flatMapValuesStep(op.fn)), 'per-partition');
        break;
      case 'union':
        result = t(op.id, op.from.map((f) => this.stream(f)), batchOf(unionBatch), 'concat');
        break;
      case 'count':
        result = t(op.id, [this.stream(op.from)], combine(countCombine));
        break;
      case 'reduce':
        result = t(op.id, [this.stream(op.from)], combine(reduceCombine(op.fn)));
        break;
      case 'countByValue':
        result = t(op.id, [this.stream(op.from)], combine(countByValueCombine));
        break;
      case 'reduceByKey':
        result = t(op.id, [this.stream(op.from)], combine(reduceByKeyCombine(op.fn)));
        break;
      case 'groupByKey':
        result = t(op.id, [this.stream(op.from)], batchOf(groupByKeyBatch));
        break;
      case 'join':
      case 'leftOuterJoin':
      case 'rightOuterJoin':
      case 'fullOuterJoin':
      case 'cogroup':
        result = t(op.id, [this.stream(op.from), this.stream(op.with)], batchOf(joinBatch(op.op)));
        break;
      case 'window':
        result = this.add(new WindowedDStream(op.id, this.stream(op.from), op.windowMs, op.slideMs ?? this.stream(op.from).slideMs));
        break;
      case 'groupByKeyAndWindow': {
        const parent = this.stream(op.from);
        const w = this.add(new WindowedDStream(`${op.id}#window`, parent, op.windowMs, op.slideMs ?? parent.slideMs));
        result = t(op.id, [w], batchOf(groupByKeyBatch));
        break;
      }
      case 'reduceByKeyAndWindow': {
        const parent = this.stream(op.from);
        const slide = op.slideMs ?? parent.slideMs;
        const reduced = t(`${op.id}#reduced`, [parent], combine(reduceByKeyCombine(op.fn)));
        if (op.inverseFn === undefined) {
          const w = this.add(new WindowedDStream(`${op.id}#window`, reduced, op.windowMs, slide));
          result = t(op.id, [w], combine(reduceByKeyCombine(op.fn)));
        } else {
          result = this.add(new ReducedWindowedDStream(op.id, reduced, op.windowMs, slide, op.fn, op.inverseFn, op.filterFn));
        }
        break;
      }
      case 'reduceByWindow': {
        const parent = this.stream(op.from);
        if (op.inverseFn === undefined) {
          const reduced = t(`${op.id}#reduced`, [parent], combine(reduceCombine(op.fn)));
          const w = this.add(new WindowedDStream(`${op.id}#window`, reduced, op.windowMs, op.slideMs));
          result = t(op.id, [w], combine(reduceCombine(op.fn)));
        } else {
          result = this.reduceByWindowWithInverse(op.id, parent, op.fn, op.inverseFn, op.windowMs, op.slideMs);
        }
        break;
      }
      case 'countByWindow': {
        const ones = t(`${op.id}#ones`, [this.stream(op.from)], toOne);
        result = this.reduceByWindowWithInverse(op.id, ones, 'sum', 'subtract', op.windowMs, op.slideMs);
        break;
      }
      case 'countByValueAndWindow': {
        const pairs = t(`${op.id}#pairs`, [this.stream(op.from)], toPairWithOne);
        const reduced = t(`${op.id}#reduced`, [pairs], combine(reduceByKeyCombine('sum')));
        result = this.add(new ReducedWindowedDStream(op.id, reduced, op.windowMs, op.slideMs, 'sum', 'subtract', 'value-nonzero'));
        break;
      }
      case 'updateStateByKey':
        result = this.add(new StateDStream(op.id, this.stream(op.from), op.fn, op.initialState as readonly [Value, Value][] | undefined));
        this.stateful.set(op.id, result);
        break;
      case 'mapWithState': {
        const internal = this.add(new InternalMapWithStateDStream(`${op.id}#state`, this.stream(op.from), op.fn, op.timeoutMs, op.initialState as readonly [Value, Value][] | undefined));
        result = this.add(new MapWithStateOutputDStream(op.id, internal, 'mapped'));
        this.stateful.set(op.id, internal);
        checkpointed = internal;
        break;
      }
      case 'stateSnapshots': {
        const internal = this.nodes.get(`${op.from}#state`);
        if (!(internal instanceof InternalMapWithStateDStream)) throw new EngineError(`stateSnapshots ${op.id}: ${op.from} is not a mapWithState stream`);
        result = this.add(new MapWithStateOutputDStream(op.id, internal, 'snapshots'));
        break;
      }
      case 'output': {
        const out = this.add(new ForEachDStream(op.id, this.stream(op.from)));
        this.outputs.push(out);
        result = out;
        break;
      }
      case 'transform':
        result = t(op.id, [this.stream(op.from)], batchOf(resolveFn('rdd', op.fn)));
        break;
      case 'transformWith':
        result = t(op.id, [this.stream(op.from), this.stream(op.with)], batchOf(resolveFn('rdd', op.fn)));
        break;
      case 'contextTransform':
        result = t(op.id, op.from.map((f) => this.stream(f)), batchOf(resolveFn('rdd', op.fn)));
        break;
      case 'glom':
        result = this.add(new PartitionedDStream(op.id, this.stream(op.from), { kind: 'glom' }));
        break;
      case 'mapPartitions':
        result = this.add(new PartitionedDStream(op.id, this.stream(op.from), { kind: 'mapPartitions', fn: op.fn }));
        break;
      case 'repartition':
        result = this.add(new PartitionedDStream(op.id, this.stream(op.from), { kind: 'repartition', partitions: op.partitions }));
        break;
      case 'slice': {
        // slice(T - fromAgo, T - toAgo) = a window of fromAgo - toAgo + ps lagging by toAgo.
        const parent = this.stream(op.from);
        result = this.add(new WindowedDStream(op.id, parent, op.fromAgoMs - op.toAgoMs + parent.slideMs, op.slideMs ?? parent.slideMs, op.toAgoMs));
        break;
      }
      default:
        throw new EngineError(`unknown operation ${JSON.stringify(op satisfies never)}`);
    }
    checkpointed ??= this.nodes.get(`${op.id}#window-state`) ?? result;
    if (result instanceof ReducedWindowedDStream) this.stateful.set(op.id, result);
    if (op.checkpointIntervalMs !== undefined) checkpointed.checkpointDurationMs = op.checkpointIntervalMs;
    this.streams.set(op.id, result);
  }

  /** reduceByWindow with an inverse: pairs under key 0, reduceByKeyAndWindow, then the values. The
   *  stateful node is "<id>#window-state"; the operation's checkpoint interval applies to it. */
  private reduceByWindowWithInverse(id: string, parent: DStream<Value[]>, fn: string | { name: string }, inv: string | { name: string }, windowMs: number, slideMs: number): DStream<Value[]> {
    const keyed = this.add(new TransformedDStream(`${id}#keyed`, [parent], pairWithZeroKey));
    const reduced = this.add(new TransformedDStream(`${id}#reduced`, [keyed], combine(reduceByKeyCombine(fn))));
    const windowed = this.add(new ReducedWindowedDStream(`${id}#window-state`, reduced, windowMs, slideMs, fn, inv, undefined));
    this.stateful.set(id, windowed);
    return this.add(new TransformedDStream(id, [windowed], valuesOf));
  }

  /** DStreamGraph.start: initialize every stream from the outputs, propagate remember durations. */
  start(): void {
    for (const o of this.outputs) o.initialize(ZERO_TIME_MS);
    for (const o of this.outputs) o.remember(undefined);
    for (const o of this.outputs) o.validateAtStart();
    this.checkpointing = [...this.nodes.values()].filter((n) => n.checkpointDurationMs !== undefined && n.zeroTimeMs !== undefined);
  }

  generateJobs(t: number): Job[] {
    const jobs: Job[] = [];
    for (const o of this.outputs) {
      const job = o.generateJob(t);
      if (job !== undefined) jobs.push(job);
    }
    return jobs;
  }

  clearMetadata(t: number): void {
    for (const o of this.outputs) o.clearMetadata(t);
  }

  updateCheckpointData(): void {
    for (const o of this.outputs) o.updateCheckpointData();
  }

  /** Nodes that data-checkpoint some of their RDDs, in graph order (none before start). */
  checkpointingNodes(): readonly DStream<unknown>[] {
    return this.checkpointing;
  }
}
