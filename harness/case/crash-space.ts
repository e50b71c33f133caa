// The crash space a suite's faults can land in, as cells "dimension:value": crash points by name,
// file operations (the system call a syscall kill or I/O error struck), power-loss crash states and
// phases (first-run, recovery-1, recovery-2, ...). coverageCells names the cells one landed fault hit
// (stored in crash_coverage); crashSpace lists the cells a level could hit, so a report can name the
// ones never hit; parseCoverageCells reads --min-coverage.

import { CRASH_POINT_NAMES } from '../../reference/engine/events.js';
import type { InjectedFault } from '../faults/fault.js';
import type { FaultProfile } from './conformance-level.js';
import { FAULTS_MAX, RECOVERY_SYSCALLS } from './fault-plan-draw.js';

export const COVERAGE_DIMENSIONS = ['crash-point', 'file-op', 'power-loss', 'phase'] as const;
export type CoverageDimension = (typeof COVERAGE_DIMENSIONS)[number];

export const FAULT_KINDS = ['crash-point', 'kill-after', 'kill-at-event', 'syscall-kill', 'power-loss', 'io-error', 'wipe-scratch', 'corrupt-checkpoint'] as const;
const POWER_LOSS_STATES = ['process', 'durable', 'prefix', 'omit-one', 'subset', 'torn'] as const;

export interface CoverageCell {
  dimension: CoverageDimension;
  value: string;
}

/** A --min-coverage cell: optionally only faults of one kind ("kill-after/phase:recovery-2"). */
export interface RequiredCell extends CoverageCell {
  faultKind: string | null;
}

export const phaseOf = (attempt: number): string => (attempt <= 1 ? 'first-run' : `recovery-${attempt - 1}`);

/** The cells one fault that landed before or during start `attempt` hit. */
export function coverageCells(fault: InjectedFault, attempt: number, crashPointName: string | null): CoverageCell[] {
  const cells: CoverageCell[] = [{ dimension: 'phase', value: phaseOf(attempt) }];
  switch (fault.kind) {
    case 'crash-point':
      if (crashPointName !== null) cells.push({ dimension: 'crash-point', value: crashPointName });
      break;
    case 'syscall-kill':
    case 'io-error':
      if (fault.syscall !== null) cells.push({ dimension: 'file-op', value: fault.syscall });
      break;
    case 'power-loss':
      cells.push({ dimension: 'power-loss', value: fault.state.type });
      break;
    case 'kill-after':
    case 'kill-at-event':
    case 'service-kill':
    case 'wipe-scratch':
    case 'corrupt-checkpoint':
      break;
    default: {
      const never: never = fault;
      throw new Error(`unknown fault ${JSON.stringify(never)}`);
    }
  }
  return cells;
}

/** The cells a level's faults could hit. Crash point names are known in advance only for the
 *  reference engine (`referenceEngine`); for another SUT they are the ones it printed. */
export function crashSpace(p: FaultProfile, referenceEngine: boolean): Record<CoverageDimension, string[]> {
  const anyFault = p.timedKills || p.crashPoints || p.powerLoss || p.syscallCrashes;
  return {
    'crash-point': p.crashPoints && referenceEngine ? [...CRASH_POINT_NAMES] : [],
    'file-op': p.syscallCrashes ? [...RECOVERY_SYSCALLS] : [],
    // A `process` state takes nothing back (it is what a SIGKILL leaves), so it never lands as a power
    // loss: not a cell to hit.
    'power-loss': p.powerLoss ? POWER_LOSS_STATES.filter((s) => s !== 'process') : [],
    phase: anyFault ? Array.from({ length: FAULTS_MAX }, (_, i) => phaseOf(i + 1)) : [],
  };
}

/** Whether a manifest's command runs the reference engine (or a bug variant of it): its crash point names are known. */
export const isReferenceEngine = (command: readonly string[]): boolean => command.includes('streamcheck-engine') || command.some((w) => w.endsWith('reference/cli/engine.js'));

/** Parses `crash-point:output:renamed,kill-after/phase:recovery-2`; throws a message naming the flag. */
export function parseCoverageCells(text: string, space: Record<CoverageDimension, string[]>): RequiredCell[] {
  const bad = (part: string, why: string) => new Error(`--min-coverage: unknown cell ${JSON.stringify(part)}: ${why}`);
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((part): RequiredCell => {
      const slash = part.indexOf('/');
      const faultKind = slash < 0 ? null : part.slice(0, slash);
      const cell = slash < 0 ? part : part.slice(slash + 1);
      if (faultKind !== null && !(FAULT_KINDS as readonly string[]).includes(faultKind)) throw bad(part, `fault kind must be one of ${FAULT_KINDS.join(', ')}`);
      const colon = cell.indexOf(':');
      const dimension = colon < 0 ? cell : cell.slice(0, colon);
      const value = colon < 0 ? '' : cell.slice(colon + 1);
      if (!(COVERAGE_DIMENSIONS as readonly string[]).includes(dimension)) throw bad(part, `expected <dimension>:<value> with dimension one of ${COVERAGE_DIMENSIONS.join(', ')}`);
      const d = dimension as CoverageDimension;
      const known = space[d];
      const ok =
        d === 'phase' ? /^(first-run|recovery-[1-9]\d*)$/.test(value)
        : d === 'file-op' ? /^[a-z][a-z0-9_]*$/.test(value)
        : d === 'power-loss' ? value !== 'process' && (POWER_LOSS_STATES as readonly string[]).includes(value)
        : known.length === 0 ? value !== '' : known.includes(value);
      if (!ok) throw bad(part, d === 'phase' ? 'phases are first-run, recovery-1, recovery-2, ...' : known.length > 0 ? `known ${d} values: ${known.join(', ')}` : d === 'file-op' ? 'expected a system call name' : `expected a ${d} value`);
      return { faultKind, dimension: d, value };
    });
}
