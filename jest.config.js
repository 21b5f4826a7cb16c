/** Root jest config: every package's tests, ts-jest in ESM mode (jose 6 is ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  testMatch: [
    '<rootDir>/packages/*/test/**/*.test.ts',
    '<rootDir>/internal/*/test/**/*.test.ts',
    '<rootDir>/examples/**/test/**/*.test.ts',
    '<rootDir>/tests/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 30000,
  // Two cores on CI machines: one worker per core keeps the suite short without starving the Redis fault tests.
  maxWorkers: 2,
  // Child processes and Redis clients are closed in afterAll hooks; this only stops a stray reconnect timer from hanging CI.
  forceExit: true,
};
