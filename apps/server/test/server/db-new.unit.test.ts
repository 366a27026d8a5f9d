/** pnpm db:new on a copy of the migrations folder: the file it writes, the index it updates. */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { migrationNames } from '@lectern/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const serverDir = path.resolve(import.meta.dirname, '../..');
const dbPackage = path.resolve(serverDir, '../../packages/db');

describe('pnpm db:new', () => {
  let dir: string;
  const dbNew = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli/db-new.ts', '--dir', dir, ...args], {
      cwd: serverDir,
    });

  beforeAll(async () => {
    // Inside packages/db, so the copied migrations resolve `kysely` as the real ones do.
    dir = await mkdtemp(path.join(dbPackage, '.migrations-test-'));
    await cp(path.join(dbPackage, 'migrations'), dir, { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the next numbered migration from the template and registers it last in index.ts', async () => {
    const last = Number(migrationNames.at(-1)?.slice(0, 4));
    const expected = `${String(last + 1).padStart(4, '0')}_add_post_views`;
    const { stdout } = await dbNew('Add post-views');
    expect(stdout).toContain(`${expected}.ts`);
    expect((await readdir(dir)).filter((f) => f.startsWith(expected))).toEqual([`${expected}.ts`]);

    const { migrations } = (await import(path.join(dir, 'index.ts'))) as {
      migrations: Record<string, { up: (db: unknown) => Promise<void> }>;
    };
    expect(Object.keys(migrations)).toEqual([...migrationNames, expected]);
    // Until someone writes it, it refuses to run (so it is never recorded as applied while empty).
    await expect(migrations[expected]?.up({})).rejects.toThrow(`migration ${expected} is not written yet`);

    // The generated file passes the project's lint and format rules as it stands.
    const biome = path.resolve(serverDir, '../../node_modules/.bin/biome');
    // (The copy's folder is git-ignored, which Biome would otherwise honour.)
    await run(
      biome,
      ['check', '--vcs-use-ignore-file=false', path.join(dir, `${expected}.ts`), path.join(dir, 'index.ts')],
      {
        cwd: path.resolve(serverDir, '../..'),
      },
    );
    expect(await readFile(path.join(dir, `${expected}.ts`), 'utf8')).toContain(`* ${expected}\n`);
  });

  it('refuses an unusable or duplicate name and changes nothing', async () => {
    const before = await readFile(path.join(dir, 'index.ts'), 'utf8');
    await expect(dbNew('9lives')).rejects.toMatchObject({ code: 1 });
    await expect(dbNew('add_post_views')).rejects.toMatchObject({ code: 1 });
    await expect(dbNew()).rejects.toMatchObject({ code: 2 });
    expect(await readFile(path.join(dir, 'index.ts'), 'utf8')).toBe(before);
  });
});
