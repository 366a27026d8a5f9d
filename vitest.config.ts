import { defineConfig } from 'vitest/config';

/**
 * Three projects: `unit` (no database, runs once), and every database test twice — on PGlite and
 * on PostgreSQL (127.0.0.1:5432 unless LECTERN_TEST_PG_URL says otherwise).
 */
const dbTests = ['apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'];
const unitTests = ['apps/*/test/**/*.unit.test.ts', 'packages/*/test/**/*.unit.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: unitTests } },
      ...(['pglite', 'postgres'] as const).map((kind) => ({
        extends: true,
        test: {
          name: kind,
          include: dbTests,
          exclude: unitTests,
          globalSetup: ['./packages/db/src/testing-global-setup.ts'],
          env: { LECTERN_TEST_DB: kind },
        },
      })),
    ],
  },
});
