// Failing and unknown cases grouped by what went wrong (anomaly kind, or "unknown"), which checker
// said so and in which scenario: many cases usually show one bug, and a group names it once.

import type { CaseProblem } from '../suite-report.js';
import type { StoredVerdict } from './stored-verdict.js';

export interface ProblemGroup {
  what: string;
  checker: string;
  scenario: string;
  caseIndexes: number[];
}

export function problemGroups(problems: readonly CaseProblem[], verdicts: ReadonlyMap<number, StoredVerdict>): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup>();
  for (const p of problems) {
    const v = verdicts.get(p.caseId);
    const anomaly = p.anomaly ?? v?.anomaly?.kind ?? 'fail';
    const what = p.outcome === 'fail' ? anomaly : p.outcome === 'flaky' ? `flaky ${anomaly}` : p.outcome;
    const checker = p.verdict === 'fail' ? (v?.anomaly?.checker ?? '(not stored)') : [...new Set(v?.unknowns.map((u) => u.checker) ?? [])].join(', ') || '(not stored)';
    const key = JSON.stringify([what, checker, p.scenario]);
    const g = groups.get(key) ?? { what, checker, scenario: p.scenario, caseIndexes: [] };
    g.caseIndexes.push(p.caseIndex);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.caseIndexes.length - a.caseIndexes.length || a.what.localeCompare(b.what) || a.scenario.localeCompare(b.scenario));
}
