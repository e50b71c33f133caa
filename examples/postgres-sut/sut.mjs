#!/usr/bin/env node
// postgres-sut: a streamcheck system under test built the way services are built. Its input offsets,
// its keyed state and its outputs live in PostgreSQL, and each batch is committed in ONE transaction
// (offsets + state + outputs + the job's batch time), so a batch is either wholly committed or not at
// all: exactly-once. Output files are a projection of the committed outputs table, written after the
// commit and rewritten only where missing. Receipts in the checkpoint directory name the job and the
// last batch the database confirmed, so a database that lost committed batches is refused (exit 3).
//
// Plain JavaScript (ESM), run by node directly. Function meanings come from streamcheck's registry
// (dist/reference/program/functions.js, the one specification of them); everything else is this file.

import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import { FunctionError, resolveFn } from '../../dist/reference/program/functions.js';

/** How long a start waits for the database (it may be restarting after a kill), in ms. */
const connectWaitMs = 30_000;
/** Pause between two connection attempts, in ms. */
const connectRetryMs = 100;
/** Receipts kept in the checkpoint directory (at least two, so a corrupt newest one has an older one). */
const receiptsKept = 3;
/** Operations this SUT implements (its manifest lists the same). */
const OPERATIONS = new Set(['map', 'flatMap', 'filter', 'mapValues', 'reduceByKey', 'countByValue', 'updateStateByKey', 'output']);

class ExitError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// ---- canonical JSON (PROTOCOL.md §4.1): JSON.stringify's escapes, keys sorted by UTF-16 code units.
function canonical(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
    .join(',')}}`;
}
const sortCanonical = (records) =>
  records
    .map((r) => [canonical(r), r])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

// ---- environment, events, crash points (PROTOCOL.md §2, §5, §6)
function env(name) {
  const v = process.env[name];
  if (v === undefined || v === '') throw new ExitError(2, `${name} is not set`);
  return v;
}
const eventsMode = process.env.STREAMCHECK_EVENTS ?? 'no-crash-points';
const crashAt = process.env.STREAMCHECK_CRASH_AT === undefined ? null : Number(process.env.STREAMCHECK_CRASH_AT);
let crashPoints = 0;
function emit(event) {
  if (eventsMode !== 'none') fs.writeSync(1, `${JSON.stringify(event)}\n`);
}
function crashPoint(name, batchTimeMs) {
  crashPoints += 1;
  const e = { event: 'crash-point', n: crashPoints, name, batchTimeMs };
  if (crashPoints === crashAt) {
    emit(e);
    process.kill(process.pid, 'SIGKILL');
  } else if (eventsMode === 'all') emit(e);
}

// ---- files: temp + fsync + rename + directory fsync
function fsyncDir(dir) {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
function writeAtomic(file, text, crashName, batchTimeMs) {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  crashPoint(`${crashName}:temp-written`, batchTimeMs);
  fs.renameSync(tmp, file);
  fsyncDir(dir);
}
function mkdirDurable(dir) {
  if (fs.existsSync(dir)) return;
  fs.mkdirSync(dir, { recursive: true });
  fsyncDir(path.dirname(dir));
}

// ---- the program: a small DStream subset, every stream sliding with the batch interval
function readJson(file, what) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ExitError(2, `cannot read the ${what} ${file}: ${error.message}`);
  }
}
function compile(program) {
  if (program?.format !== 'streamcheck-program' || program.version !== 1) throw new ExitError(2, 'the program is not a streamcheck-program of version 1');
  if (!Number.isSafeInteger(program.batchIntervalMs) || program.batchIntervalMs <= 0) throw new ExitError(2, 'batchIntervalMs must be a positive integer');
  const known = new Set(program.inputs.map((i) => i.name));
  const steps = [];
  for (const op of program.operations) {
    if (!OPERATIONS.has(op.op)) throw new ExitError(2, `operation "${op.id}": "${op.op}" is not implemented by postgres-sut`);
    if (!known.has(op.from)) throw new ExitError(2, `operation "${op.id}": unknown stream "${op.from}"`);
    if (op.initialState !== undefined) throw new ExitError(2, `operation "${op.id}": initialState is not implemented by postgres-sut`);
    try {
      const kind = { map: 'map', mapValues: 'map', flatMap: 'flatMap', filter: 'filter', reduceByKey: 'reduce', updateStateByKey: 'update' }[op.op];
      steps.push({ ...op, f: kind === undefined ? null : resolveFn(kind, op.fn) });
    } catch (error) {
      if (error instanceof FunctionError) throw new ExitError(2, `operation "${op.id}": ${error.message}`);
      throw error;
    }
    known.add(op.id);
  }
  return steps;
}

/** Groups [k, v] pairs by the canonical text of k: Map(keyText -> {key, values}). */
function byKey(pairs) {
  const groups = new Map();
  for (const [k, v] of pairs) {
    const t = canonical(k);
    const g = groups.get(t);
    if (g === undefined) groups.set(t, { key: k, values: [v] });
    else g.values.push(v);
  }
  return groups;
}

/** Runs one batch in memory. state: Map(op id -> Map(keyText -> [k, s])). Returns the outputs (op id -> records)
 *  and, per updateStateByKey, the keys written and removed. */
function computeBatch(steps, batches, state, timeMs) {
  const streams = new Map(Object.entries(batches));
  const outputs = new Map();
  const changes = new Map();
  for (const s of steps) {
    const input = streams.get(s.from);
    let result;
    switch (s.op) {
      case 'map':
        result = input.map((x) => s.f(x));
        break;
      case 'flatMap':
        result = input.flatMap((x) => s.f(x));
        break;
      case 'filter':
        result = input.filter((x) => s.f(x));
        break;
      case 'mapValues':
        result = input.map(([k, v]) => [k, s.f(v)]);
        break;
      case 'reduceByKey':
        result = [...byKey(input).values()].map(({ key, values }) => [key, values.reduce((a, b) => s.f(a, b))]);
        break;
      case 'countByValue':
        result = [...byKey(input.map((x) => [x, 1])).values()].map(({ key, values }) => [key, values.length]);
        break;
      case 'updateStateByKey': {
        const previous = state.get(s.id) ?? new Map();
        const groups = byKey(input);
        const next = new Map();
        const written = new Map();
        const removed = [];
        for (const t of new Set([...previous.keys(), ...groups.keys()])) {
          const key = groups.get(t)?.key ?? previous.get(t)[0];
          const values = sortCanonical(groups.get(t)?.values ?? []);
          const s2 = s.f(values, previous.get(t)?.[1], timeMs);
          if (s2 === undefined) {
            if (previous.has(t)) removed.push(t);
          } else {
            next.set(t, [key, s2]);
            if (previous.get(t) === undefined || canonical(previous.get(t)[1]) !== canonical(s2)) written.set(t, [key, s2]);
          }
        }
        state.set(s.id, next);
        changes.set(s.id, { written, removed });
        result = [...next.values()];
        break;
      }
      case 'output':
        outputs.set(s.id, input);
        result = input;
        break;
      default:
        throw new ExitError(2, `operation "${s.id}": "${s.op}" is not implemented`);
    }
    streams.set(s.id, result);
  }
  return { outputs, changes };
}

function outputText(output, batchTimeMs, records) {
  return `${canonical({ format: 'streamcheck-output', version: 1, output, batchTimeMs, records: sortCanonical(records) })}\n`;
}

// ---- receipts: which job this checkpoint directory belongs to, and the last batch the database confirmed
const RECEIPT = /^receipt-(\d+)\.json$/;
function receiptText(r) {
  const body = canonical(r);
  return `${canonical({ receipt: r, sha256: sha256(body) })}\n`;
}
/** The newest receipt whose seal holds, or null when there is none; exit 3 when receipts exist but none is valid. */
function newestReceipt(checkpointDir) {
  const names = fs.readdirSync(checkpointDir).filter((n) => RECEIPT.test(n));
  const sorted = names.sort((a, b) => Number(RECEIPT.exec(b)[1]) - Number(RECEIPT.exec(a)[1]));
  for (const name of sorted) {
    try {
      const { receipt, sha256: seal } = JSON.parse(fs.readFileSync(path.join(checkpointDir, name), 'utf8'));
      if (typeof receipt?.jobId === 'string' && seal === sha256(canonical(receipt)) && `receipt-${receipt.batchTimeMs}.json` === name) return receipt;
      process.stderr.write(`postgres-sut: ${name} fails its checksum; trying an older receipt\n`);
    } catch {
      process.stderr.write(`postgres-sut: ${name} does not parse; trying an older receipt\n`);
    }
  }
  if (names.length > 0) throw new ExitError(3, `the checkpoint directory holds ${names.length} receipt(s) and none is valid`);
  return null;
}
function writeReceipt(checkpointDir, r) {
  writeAtomic(path.join(checkpointDir, `receipt-${r.batchTimeMs}.json`), receiptText(r), 'receipt', r.batchTimeMs);
  const older = fs
    .readdirSync(checkpointDir)
    .filter((n) => RECEIPT.test(n))
    .map((n) => Number(RECEIPT.exec(n)[1]))
    .sort((a, b) => b - a)
    .slice(receiptsKept);
  for (const t of older) fs.rmSync(path.join(checkpointDir, `receipt-${t}.json`), { force: true });
}

// ---- the database
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS sc_jobs (job_id text PRIMARY KEY, program_sha256 text NOT NULL, input_sha256 text NOT NULL,
    batch_time_ms bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE IF NOT EXISTS sc_offsets (job_id text NOT NULL REFERENCES sc_jobs, input text NOT NULL, next_offset bigint NOT NULL,
    PRIMARY KEY (job_id, input));
  CREATE TABLE IF NOT EXISTS sc_state (job_id text NOT NULL REFERENCES sc_jobs, stream text NOT NULL, key_text text NOT NULL, record text NOT NULL,
    PRIMARY KEY (job_id, stream, key_text));
  CREATE TABLE IF NOT EXISTS sc_outputs (job_id text NOT NULL REFERENCES sc_jobs, output text NOT NULL, batch_time_ms bigint NOT NULL, bytes text NOT NULL,
    PRIMARY KEY (job_id, output, batch_time_ms));`;

function connectionConfig() {
  const dir = process.env.STREAMCHECK_SERVICE_POSTGRES;
  if (dir !== undefined && dir !== '') return { host: path.join(dir, 'socket'), user: 'streamcheck', database: 'postgres' };
  // Outside the harness: the usual libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE), as pg reads them.
  return {};
}

async function connect() {
  const deadline = Date.now() + connectWaitMs;
  for (;;) {
    const client = new pg.Client(connectionConfig());
    try {
      await client.connect();
      client.on('error', (error) => {
        // The server went away between queries (it was killed): the next query fails; exit as a failure.
        process.stderr.write(`postgres-sut: connection lost: ${error.message}\n`);
        process.exit(1);
      });
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() >= deadline) throw new Error(`cannot connect to PostgreSQL within ${connectWaitMs} ms: ${error.message}`, { cause: error });
      await new Promise((r) => setTimeout(r, connectRetryMs));
    }
  }
}

async function inTransaction(db, fn) {
  await db.query('BEGIN');
  try {
    const r = await fn();
    await db.query('COMMIT');
    return r;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

// ---- one run
async function run() {
  const program = readJson(env('STREAMCHECK_PROGRAM'), 'program');
  const input = readJson(env('STREAMCHECK_INPUT'), 'input log');
  const checkpointDir = env('STREAMCHECK_CHECKPOINT_DIR');
  const outputDir = env('STREAMCHECK_OUTPUT_DIR');
  const steps = compile(program);
  if (input?.format !== 'streamcheck-input' || !Number.isSafeInteger(input.endTimeMs)) throw new ExitError(2, 'the input is not a streamcheck-input log');
  for (const i of program.inputs) if (!Array.isArray(input.streams?.[i.name])) throw new ExitError(2, `the input log has no stream "${i.name}"`);
  const interval = program.batchIntervalMs;
  const programSha = sha256(canonical(program));
  const inputSha = sha256(canonical(input));
  /** until(t): the offset after the last record that arrived by t. */
  const until = (name, t) => {
    const records = input.streams[name];
    let n = 0;
    while (n < records.length && records[n].arrivalMs <= t) n++;
    return n;
  };

  // 1. Which job this directory belongs to.
  let receipt = newestReceipt(checkpointDir);
  if (receipt !== null && (receipt.programSha256 !== programSha || receipt.inputSha256 !== inputSha)) {
    throw new ExitError(3, 'the checkpoint directory belongs to a different program or input');
  }
  if (receipt === null) {
    // The receipt first, then the job row: a crash in between leaves a receipt of batch 0 and no row, which a restart completes.
    receipt = { jobId: randomUUID(), programSha256: programSha, inputSha256: inputSha, batchTimeMs: 0 };
    writeReceipt(checkpointDir, receipt);
  }
  const jobId = receipt.jobId;

  const db = await connect();
  try {
    await inTransaction(db, async () => {
      await db.query('SELECT pg_advisory_xact_lock(727274)');
      await db.query(SCHEMA);
    });
    crashPoint('recovery:connected', receipt.batchTimeMs);

    // 2. The job as the database has it: it must be at least as far as the receipt says.
    let job = (await db.query('SELECT program_sha256, batch_time_ms FROM sc_jobs WHERE job_id = $1', [jobId])).rows[0];
    if (job === undefined) {
      if (receipt.batchTimeMs > 0) throw new ExitError(3, `the database has no job ${jobId}, but the checkpoint directory says it committed batch ${receipt.batchTimeMs}`);
      await inTransaction(db, async () => {
        await db.query('INSERT INTO sc_jobs (job_id, program_sha256, input_sha256, batch_time_ms) VALUES ($1, $2, $3, 0)', [jobId, programSha, inputSha]);
        for (const i of program.inputs) await db.query('INSERT INTO sc_offsets (job_id, input, next_offset) VALUES ($1, $2, 0)', [jobId, i.name]);
      });
      job = { program_sha256: programSha, batch_time_ms: '0' };
    }
    if (job.program_sha256 !== programSha) throw new ExitError(3, `job ${jobId} ran a different program`);
    let committed = Number(job.batch_time_ms);
    if (committed < receipt.batchTimeMs) throw new ExitError(3, `the database is at batch ${committed} but the checkpoint directory saw batch ${receipt.batchTimeMs} committed: it lost committed transactions`);

    // 3. Recover: offsets and state from the database; output files it committed that are missing.
    const offsets = new Map((await db.query('SELECT input, next_offset FROM sc_offsets WHERE job_id = $1', [jobId])).rows.map((r) => [r.input, Number(r.next_offset)]));
    const state = new Map();
    for (const r of (await db.query('SELECT stream, key_text, record FROM sc_state WHERE job_id = $1', [jobId])).rows) {
      if (!state.has(r.stream)) state.set(r.stream, new Map());
      state.get(r.stream).set(r.key_text, JSON.parse(r.record));
    }
    const publish = (output, batchTimeMs, bytes) => {
      const dir = path.join(outputDir, output);
      const file = path.join(dir, `${batchTimeMs}.json`);
      if (fs.existsSync(file)) return;
      mkdirDurable(dir);
      writeAtomic(file, bytes, 'output', batchTimeMs);
      emit({ event: 'output-committed', output, batchTimeMs, records: JSON.parse(bytes).records.length, sha256: sha256(bytes) });
      crashPoint('output:renamed', batchTimeMs);
    };
    const pending = await db.query('SELECT output, batch_time_ms, bytes FROM sc_outputs WHERE job_id = $1 AND batch_time_ms > $2 ORDER BY batch_time_ms, output', [jobId, receipt.batchTimeMs]);
    for (const r of pending.rows) publish(r.output, Number(r.batch_time_ms), r.bytes);
    if (committed > receipt.batchTimeMs) writeReceipt(checkpointDir, { ...receipt, batchTimeMs: committed });

    // 4. The remaining batches, each in one transaction.
    for (let t = committed + interval; t <= input.endTimeMs; t += interval) {
      const ranges = program.inputs.map((i) => ({ name: i.name, from: offsets.get(i.name), to: until(i.name, t) }));
      const batches = Object.fromEntries(ranges.map((r) => [r.name, input.streams[r.name].slice(r.from, r.to).map((x) => x.value)]));
      const { outputs, changes } = computeBatch(steps, batches, state, t);
      const texts = [...outputs].map(([output, records]) => [output, outputText(output, t, records)]);
      await inTransaction(db, async () => {
        // Fencing: the job must still be at the previous batch (no other instance committed it meanwhile).
        const row = (await db.query('SELECT batch_time_ms FROM sc_jobs WHERE job_id = $1 FOR UPDATE', [jobId])).rows[0];
        if (Number(row.batch_time_ms) !== t - interval) throw new Error(`job ${jobId} is at batch ${row.batch_time_ms}, expected ${t - interval}: another instance ran it`);
        for (const r of ranges) await db.query('UPDATE sc_offsets SET next_offset = $3 WHERE job_id = $1 AND input = $2', [jobId, r.name, r.to]);
        for (const [stream, c] of changes) {
          if (c.removed.length > 0) await db.query('DELETE FROM sc_state WHERE job_id = $1 AND stream = $2 AND key_text = ANY($3)', [jobId, stream, c.removed]);
          if (c.written.size > 0) {
            await db.query(
              `INSERT INTO sc_state (job_id, stream, key_text, record) SELECT $1, $2, k, r FROM unnest($3::text[], $4::text[]) AS u(k, r)
               ON CONFLICT (job_id, stream, key_text) DO UPDATE SET record = EXCLUDED.record`,
              [jobId, stream, [...c.written.keys()], [...c.written.values()].map((rec) => JSON.stringify(rec))],
            );
          }
        }
        if (texts.length > 0) {
          await db.query('INSERT INTO sc_outputs (job_id, output, batch_time_ms, bytes) SELECT $1, o, $2, b FROM unnest($3::text[], $4::text[]) AS u(o, b)', [jobId, t, texts.map(([o]) => o), texts.map(([, b]) => b)]);
        }
        await db.query('UPDATE sc_jobs SET batch_time_ms = $2 WHERE job_id = $1', [jobId, t]);
        crashPoint('batch:before-commit', t);
      });
      crashPoint('batch:committed', t);
      for (const r of ranges) offsets.set(r.name, r.to);
      committed = t;
      for (const [output, bytes] of texts) publish(output, t, bytes);
      writeReceipt(checkpointDir, { ...receipt, batchTimeMs: t });
      crashPoint('receipt:renamed', t);
    }

    // 5. The final state file (PROTOCOL.md §4.2).
    const streams = Object.fromEntries(steps.filter((s) => s.op === 'updateStateByKey').map((s) => [s.id, committed === 0 ? [] : sortCanonical([...(state.get(s.id) ?? new Map()).values()])]));
    mkdirDurable(path.join(outputDir, '_state'));
    writeAtomic(path.join(outputDir, '_state', 'final.json'), `${canonical({ format: 'streamcheck-state', version: 1, batchTimeMs: committed === 0 ? null : committed, streams })}\n`, 'final-state', committed);
  } finally {
    await db.end().catch(() => {});
  }
  emit({ event: 'done', crashPoints });
}

try {
  await run();
  process.exitCode = 0;
} catch (error) {
  if (error instanceof ExitError) {
    process.stderr.write(`postgres-sut: ${error.message}\n`);
    process.exitCode = error.code;
  } else if (error instanceof FunctionError) {
    process.stderr.write(`postgres-sut: the program failed: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`postgres-sut: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  }
}
