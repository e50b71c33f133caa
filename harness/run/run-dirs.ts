// The files and directories of one run of the SUT, laid out under a case's temporary directory:
// the program and input it reads, and the checkpoint, output and scratch directories it writes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScenarioCase } from '../../scenarios/scenario.js';

export interface RunDirs {
  programFile: string;
  inputFile: string;
  checkpointDir: string;
  outputDir: string;
  scratchDir: string;
}

/** Writes the case's program and input under root (once) and makes <root>/<name>/{checkpoint,output,scratch}. */
export function makeRunDirs(root: string, name: string, c: ScenarioCase): RunDirs {
  fs.mkdirSync(root, { recursive: true });
  const programFile = path.join(root, 'program.json');
  const inputFile = path.join(root, 'input.json');
  if (!fs.existsSync(programFile)) fs.writeFileSync(programFile, `${JSON.stringify(c.program, null, 2)}\n`);
  if (!fs.existsSync(inputFile)) fs.writeFileSync(inputFile, `${JSON.stringify(c.input)}\n`);
  const dirs: RunDirs = {
    programFile,
    inputFile,
    checkpointDir: path.join(root, name, 'checkpoint'),
    outputDir: path.join(root, name, 'output'),
    scratchDir: path.join(root, name, 'scratch'),
  };
  for (const d of [dirs.checkpointDir, dirs.outputDir, dirs.scratchDir]) fs.mkdirSync(d, { recursive: true });
  return dirs;
}

/** The STREAMCHECK_* variables of PROTOCOL.md §2 for these directories. */
export function protocolEnv(dirs: RunDirs, c: ScenarioCase): Record<string, string> {
  return {
    STREAMCHECK_PROGRAM: dirs.programFile,
    STREAMCHECK_INPUT: dirs.inputFile,
    STREAMCHECK_CHECKPOINT_DIR: dirs.checkpointDir,
    STREAMCHECK_OUTPUT_DIR: dirs.outputDir,
    STREAMCHECK_SCRATCH_DIR: dirs.scratchDir,
    STREAMCHECK_MAX_PENDING_BATCHES: String(c.config.maxPendingBatches),
    STREAMCHECK_EVENTS: 'no-crash-points',
  };
}
