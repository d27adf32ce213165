// Tests run in UTC whatever the machine says; set before any worker starts.
process.env.TZ = 'UTC';

const tsJest = ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }];
// @fastify/static (Swagger UI's file server) requires content-disposition, which ships ESM only; the app
// loads it natively (Node's require(esm)), jest's CommonJS runtime needs it compiled. Likewise the reference
// parser @apidevtools/swagger-parser (the OpenAPI spec's validator) loads.
const esmOnly = ['content-disposition', '@apidevtools/json-schema-ref-parser'];
const esmTransform = {
  [`node_modules/(${esmOnly.join('|')})/.+\\.js$`]: ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, isolatedModules: true } }],
};
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnly.join('|')})/)`];

/** @type {import('jest').Config} */
module.exports = {
  // One budget for every test, e2e included: jest 30 reads testTimeout from the top level only (a project's own is
  // ignored), so specs set none of their own; a test that restarts whole processes passes a longer one to it().
  testTimeout: 60000,
  // Measured figures (fuzz rates, outage and recovery times) are listed after the results, never printed by specs.
  reporters: ['default', '<rootDir>/test/support/figures-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/web/src/**/*.spec.ts'],
      // Controller specs mount the real HTTP adapter, which serves the web console through @fastify/static.
      transform: { '^.+\\.ts$': tsJest, ...esmTransform },
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest, ...esmTransform },
      transformIgnorePatterns,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      // Every response the suites receive is checked against the OpenAPI document; this reports the count per file.
      setupFilesAfterEnv: ['<rootDir>/test/support/openapi-figure.ts'],
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      slowTestThreshold: 20,
    },
  ],
};
