// The names of the registry's functions (reference/program/functions.ts), read off the registry so
// that a manifest's `functions` can only name functions that exist. A name covers every kind that
// has it (running-sum is both updateStateByKey's and mapWithState's): the operation says which.

import { functionNames } from '../../reference/program/functions.js';
import { FUNCTION_KINDS } from '../../scenarios/program-vocabulary.js';

export const FUNCTION_NAMES = [...new Set(FUNCTION_KINDS.flatMap((k) => functionNames(k)))].sort() as [string, ...string[]];
