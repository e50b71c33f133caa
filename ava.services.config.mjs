// `npm run test:services`: the tests that start services (a private PostgreSQL server) and run a
// conformance suite against a SUT that depends on them — a few minutes, so not part of `npm test`;
// .ci/run runs both.
export default {
  files: ['dist/test/services/**/*.test.js'],
  timeout: '10m',
  workerThreads: false,
};
