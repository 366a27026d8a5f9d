/** pnpm db:status against a fresh and a migrated database, of the kind this project runs on. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { migrationNames } from '@lectern/db';
import { openEmptyDb, openTestDb, writeMigratedPgliteDir } from '@lectern/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const serverDir = path.resolve(import.meta.dirname, '../..');
const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';
const total = migrationNames.length;

async function status(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/db-status.ts', ...args], {
      cwd: serverDir,
      env: { ...process.env, DATABASE_URL: '', ...env },
    });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

describe('pnpm db:status', { timeout: 60_000 }, () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-status-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports every migration pending on a fresh database, and --check fails', async () => {
    if (onPostgres) {
      const empty = await openEmptyDb();
      try {
        const { code, out } = await status({ DATABASE_URL: empty.databaseUrl ?? '' }, '--check');
        expect(code).toBe(1);
        expect(out).toContain(`${total} migrations: 0 applied, ${total} pending`);
        expect(out).toMatch(/database: PostgreSQL postgres:\/\//);
      } finally {
        await empty.close();
      }
    } else {
      const { code, out } = await status({ DATA_DIR: path.join(dataDir, 'fresh') }, '--check');
      expect(code).toBe(1);
      expect(out).toContain(`no database there yet: ${total} migrations pending`);
    }
  });

  it('reports every migration applied on a migrated database, each with its time', async () => {
    let env: Record<string, string>;
    let close: () => Promise<void>;
    if (onPostgres) {
      const migrated = await openTestDb();
      env = { DATABASE_URL: migrated.databaseUrl ?? '' };
      close = () => migrated.close();
    } else {
      // A PGlite folder made from the run's migrated template (faster than migrating a new one).
      await writeMigratedPgliteDir(path.join(dataDir, 'migrated', 'pglite'));
      env = { DATA_DIR: path.join(dataDir, 'migrated') };
      close = async () => {};
    }
    try {
      const { code, out } = await status(env, '--check');
      expect(code, out).toBe(0);
      expect(out).toContain(`${total} migrations: ${total} applied, 0 pending`);
      for (const name of migrationNames)
        expect(out).toMatch(new RegExp(`applied  \\d{4}-\\d\\d-\\d\\d [\\d:]{8} +${name}`));
    } finally {
      await close();
    }
  });
});
