// The manifest that describes a system under test (SUT) to the harness: how to start it and what it
// promises. Parsed with zod so a bad manifest is rejected with the field, the expectation and what
// was received, before any process is spawned.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { describeValue } from '../../reference/program/value.js';
import { manifestRunnableProblem } from './manifest-runnable.js';
import { FUNCTION_NAMES } from './function-names.js';
import { OPERATION_NAMES } from './operation-names.js';
import { WORKLOAD_NAMES } from './workload-names.js';

export const PROTOCOL_VERSION = 1;

const compiles = (pattern: string): boolean => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
};

export const crashMechanismSchema = z
  .enum(['crash-points', 'sigkill'])
  .describe('crash-points: the SUT honours STREAMCHECK_CRASH_AT; sigkill: it may be killed at any instant');

export const outputGuaranteeSchema = z
  .enum(['exactly-once', 'at-least-once-identical'])
  .describe('exactly-once: each (output, batch time) is committed once over all runs; at-least-once-identical: re-commits are allowed but must be byte-identical');

// ---- services (issue 15 item 5): processes the SUT depends on, started by the harness around a suite ----
/** A service name: lower case, so that its environment variable (STREAMCHECK_SERVICE_<NAME>) is unambiguous. */
export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** Services one manifest may declare at most. */
export const SERVICES_MAX = 4;
const argvSchema = z.array(z.string().min(1)).min(1);

export const serviceSchema = z
  .object({
    name: z.string().regex(SERVICE_NAME).describe('A short lower-case name (letters, digits, -): the SUT finds the service directory in STREAMCHECK_SERVICE_<NAME> (upper case, - as _)'),
    start: argvSchema.describe('argv that starts the service in STREAMCHECK_SERVICE_DIR (and restarts it after a kill); exits 0 once it is up; never run through a shell'),
    stop: argvSchema.describe('argv that stops the service (it may already be down); never run through a shell'),
    ready: argvSchema.optional().describe('argv polled after start until it exits 0: the service accepts work'),
    pidFile: z.string().min(1).describe("The file, relative to the service directory, whose first line is the server's process id: the service-kill fault SIGKILLs it and every process below it"),
  })
  .strict();
export type ServiceSpec = z.infer<typeof serviceSchema>;

export const servicesSchema = z
  .array(serviceSchema)
  .min(1)
  .max(SERVICES_MAX)
  .refine((s) => new Set(s.map((x) => x.name)).size === s.length, { message: 'service names must be unique' })
  .describe('Services the SUT depends on (PROTOCOL.md §11): started before a suite, stopped after it, and SIGKILLed and restarted by the service-kill fault');

/** The environment variable naming a service's directory: STREAMCHECK_SERVICE_<NAME>. */
export function serviceDirVariable(name: string): string {
  return `STREAMCHECK_SERVICE_${name.toUpperCase().replaceAll('-', '_')}`;
}
// ---- end of services ----

export const manifestSchema = z
  .object({
    name: z.string().min(1).describe('A short name used in reports'),
    protocolVersion: z.literal(PROTOCOL_VERSION),
    command: z.array(z.string().min(1)).min(1).describe('argv: the program and its arguments; never run through a shell'),
    cwd: z.string().optional().describe("Working directory of the command, relative to the manifest file's directory (default: that directory)"),
    crashMechanisms: z.array(crashMechanismSchema).min(1),
    operations: z
      .array(z.enum(OPERATION_NAMES))
      .min(1)
      .optional()
      .describe('The program operations (op names) the SUT interprets; absent only for a SUT that runs nothing but its workloads'),
    functions: z
      .array(z.enum(FUNCTION_NAMES))
      .optional()
      .describe('The registry functions (fn names) the SUT implements; absent: every function its operations can take. The harness draws only programs within operations x functions'),
    workloads: z
      .array(z.enum(WORKLOAD_NAMES))
      .min(1)
      .optional()
      .describe('Catalogue programs (scenario names) the SUT implements natively, whatever its operations and functions: the harness varies only their input, configuration and faults'),
    outputGuarantee: outputGuaranteeSchema,
    events: z.boolean().optional().describe('true if the SUT prints JSON-line progress events on stdout'),
    storageFaults: z
      .object({
        metadataFilePattern: z
          .string()
          .min(1)
          .refine(compiles, { message: 'not a valid regular expression' })
          .optional()
          .describe('A regular expression matching the names of metadata checkpoint files directly in the checkpoint directory'),
        metadataFiles: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe('Globs (picomatch syntax, ** for any depth) of metadata checkpoint files, relative to the checkpoint directory: for a SUT that keeps them in subfolders'),
      })
      .strict()
      .refine((s) => s.metadataFilePattern !== undefined || s.metadataFiles !== undefined, { message: 'needs metadataFilePattern or metadataFiles' })
      .optional()
      .describe('Allows storage faults (level L4): the harness may truncate or flip a bit in the newest file matching the pattern, between two starts, when at least one other matching file exists'),
    serve: z
      .object({ command: z.array(z.string().min(1)).min(1).describe('argv of the serving command; never run through a shell') })
      .strict()
      .optional()
      .describe('Optional serve mode (PROTOCOL.md §9): a process that runs one request per stdin line and stays up after runs that end with 0, so the harness starts processes only where one died'),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional().describe('Extra environment variables for the command (never STREAMCHECK_* protocol variables)'),
    services: servicesSchema.optional(),
  })
  .strict()
  .refine((m) => m.operations !== undefined || m.workloads !== undefined, { message: 'needs operations (programs the SUT interprets) or workloads (programs it implements natively)', path: ['operations'] })
  .refine((m) => m.functions === undefined || m.operations !== undefined, { message: 'functions without operations: a SUT that interprets no program needs no functions', path: ['functions'] });

export type Manifest = z.infer<typeof manifestSchema>;
export type CrashMechanism = z.infer<typeof crashMechanismSchema>;
export type OutputGuarantee = z.infer<typeof outputGuaranteeSchema>;

/** A manifest together with the directory its relative paths resolve against. */
export interface LoadedManifest {
  manifest: Manifest;
  /** Absolute working directory for the command. */
  cwd: string;
  file: string | null;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

export function validateManifest(json: unknown, source: string, baseDir: string): LoadedManifest {
  const parsed = manifestSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map(String).join('.') || 'the manifest';
    const input = (issue as { input?: unknown }).input;
    throw new ManifestError(`${source}: ${where}: ${issue.message}, received ${input === undefined ? 'nothing' : describeValue(input)}`);
  }
  const manifest = parsed.data;
  return { manifest, cwd: path.resolve(baseDir, manifest.cwd ?? '.'), file: null };
}

/** Reads and validates a manifest file; relative `cwd` resolves against the file's directory. */
export function loadManifest(file: string): LoadedManifest {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ManifestError(`cannot read the manifest ${file}: ${(error as Error).message}`, { cause: error });
  }
  const loaded = { ...validateManifest(json, file, path.dirname(path.resolve(file))), file: path.resolve(file) };
  const problem = manifestRunnableProblem(loaded);
  if (problem !== null) throw new ManifestError(`${file}: ${problem}`);
  return loaded;
}
