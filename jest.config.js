// Tests run in UTC whatever the machine says; set before any worker starts.
process.env.TZ = 'UTC';

// Every dependency the tests load is CommonJS (docs/dependencies.md says which versions keep it so), so nothing
// under node_modules is compiled.
const tsJest = ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }];

/** @type {import('jest').Config} */
module.exports = {
  // One budget for every test, e2e included: jest 30 reads testTimeout from the top level only (a project's own is
  // ignored), so specs set none of their own; a test that restarts whole processes passes a longer one to it().
  testTimeout: 60000,
  // On two cores jest would run every suite in band, in its own process, whose heap grows with each suite (Nest
  // apps, ts-jest output, instrumentation) until it runs out near 4 GB. A memory limit makes jest run the suites
  // in a worker (still one at a time here) and replace that worker once it holds more than this after a suite.
  workerIdleMemoryLimit: '1200MB',
  // Measured figures (fuzz rates, outage and recovery times) are listed after the results, never printed by specs.
  reporters: ['default', '<rootDir>/test/support/figures-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/web/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      // Every response the suites receive is checked against the OpenAPI document; this reports the count per file.
      setupFilesAfterEnv: ['<rootDir>/test/support/openapi-figure.ts'],
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      slowTestThreshold: 20,
    },
  ],
};
