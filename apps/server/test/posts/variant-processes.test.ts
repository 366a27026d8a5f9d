/**
 * The image-variant worker as the server runs it: two server processes on one PostgreSQL, each with
 * its worker loop (started by server.ts), share the jobs of thumbnails uploaded through one of them.
 * Every job is done by exactly one process (their JSON logs say which), and every post ends with its
 * variants. PostgreSQL only: PGlite lives inside one process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart } from '../content-helpers.ts';
import { bearer, insertUser, TEST_JWT_SECRET } from '../helpers.ts';
import { type ServerProc, startServer, stopServer } from '../server-process.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';

/** The original keys each process logged as done. */
function doneKeys(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; key?: string })
    .filter((entry) => entry.msg === 'image variants made' && entry.key)
    .map((entry) => entry.key as string);
}

describe.runIf(onPostgres)('image variants across server processes', { timeout: 120_000 }, () => {
  let testDb: TestDb;
  let dataDir: string;
  const procs: ServerProc[] = [];
  beforeAll(async () => {
    testDb = await openTestDb();
    dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-variants-'));
  });
  afterAll(async () => {
    for (const p of procs) await stopServer(p, 'SIGKILL');
    await testDb.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('two processes share the jobs: each thumbnail gets its variants once', async () => {
    const env = {
      NODE_ENV: 'development',
      LOG_FORMAT: 'json',
      DATABASE_URL: testDb.databaseUrl ?? '',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      IMAGE_VARIANT_INTERVAL_MS: '100',
      HOUSEKEEPING_INTERVAL_SECONDS: '0',
    };
    const [first, second] = await Promise.all([startServer(env), startServer(env)]);
    procs.push(first, second);
    const user = await insertUser(testDb);
    const image = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#4477aa' } })
      .jpeg()
      .toBuffer();

    const slugs: string[] = [];
    for (let i = 0; i < 8; i++) {
      const body = await multipart([
        ['title', `Shared ${i}`],
        ['thumbnail', { data: image, filename: `${i}.jpg`, type: 'image/jpeg' }],
      ]);
      const res = await fetch(`${first.url}/api/posts/`, {
        method: 'POST',
        body: body.payload,
        headers: { ...body.headers, ...bearer(user.token) },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      slugs.push(((await res.json()) as { slug: string }).slug);
    }

    const variantsOf = async (slug: string) => {
      const res = await fetch(`${second.url}/api/posts/${slug}/`, { headers: bearer(user.token) });
      return ((await res.json()) as { variants: Array<{ width: number; format: string; url: string }> })
        .variants;
    };
    await expect
      .poll(async () => (await Promise.all(slugs.map(variantsOf))).every((v) => v.length === 4), {
        timeout: 60_000,
        interval: 250,
      })
      .toBe(true);
    for (const slug of slugs) {
      const variants = await variantsOf(slug);
      expect(variants.map((v) => [v.width, v.format])).toEqual([
        [320, 'webp'],
        [320, 'jpeg'],
        [640, 'webp'],
        [640, 'jpeg'],
      ]);
      const served = await fetch(variants[0]?.url ?? '');
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
    }
    expect(await testDb.db.selectFrom('image_variant_jobs').select('id').execute()).toEqual([]);

    // Each job was done by one process only.
    const done = [...doneKeys(first.output()), ...doneKeys(second.output())];
    expect(done).toHaveLength(8);
    expect(new Set(done).size).toBe(8);

    expect(await stopServer(first)).toBe(0);
    expect(await stopServer(second)).toBe(0);
    procs.length = 0;
  });
});
