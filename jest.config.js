// @swc/jest transpiles with legacy decorators and their metadata, as tsc does.
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  testTimeout: 60000,
};

// Two projects in one run: `unit` (test/unit) needs no database, so it has no global setup and
// `npx jest --selectProjects unit` starts no PostgreSQL; `integration` (everything else) shares one
// PostgreSQL server, started once for the run (a project's global setup runs only when one of its
// tests is selected). Tests that open PGlite or PostgreSQL belong under test/integration.
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    {
      ...common,
      displayName: 'integration',
      // By testMatch, not testPathIgnorePatterns: scripts/test.sh passes its own ignore patterns.
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/**/*.test.ts', '!**/test/unit/**'],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ],
};
