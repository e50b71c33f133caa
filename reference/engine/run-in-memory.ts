// The in-process entry point tests and benchmarks use: a failure-free run with outputs in memory.
export { runInMemory } from './run-engine.js';
