// The names a manifest's `workloads` may take: every named program of the catalogue (not `random`,
// which is no one program).

import { CATALOG } from '../../scenarios/catalog.js';

export const WORKLOAD_NAMES = CATALOG.map((s) => s.name).filter((n) => n !== 'random') as [string, ...string[]];
