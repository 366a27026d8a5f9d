/**
 * Several processes, proven: two real server processes, each with its own private data directory, on
 * one PostgreSQL database and one S3 bucket (moto's server on loopback). A file uploaded through A is
 * served by B; deleted through B, it is gone for A; a post written through A reaches a live-event
 * subscriber on B; maintenance switched on through A is seen by B; login attempts are counted across
 * both. PostgreSQL only: PGlite lives inside one process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { S3Storage } from '@lectern/api';
import { type MotoServer, startMoto } from '@lectern/api/testing';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyOfUrl, PNG } from '../content-helpers.ts';
import { openSse } from '../events/sse.ts';
import { insertUser, TEST_JWT_SECRET } from '../helpers.ts';
import { type ServerProc, startServer, stopServer } from '../server-process.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';

describe.runIf(onPostgres)(
  'two server processes on one PostgreSQL and one S3 bucket',
  { timeout: 120_000 },
  () => {
    let testDb: TestDb;
    let moto: MotoServer;
    let bucket: S3Storage;
    const dirs: string[] = [];
    const procs: ServerProc[] = [];

    beforeAll(async () => {
      testDb = await openTestDb();
      moto = await startMoto();
      bucket = await moto.bucket();
    });
    afterAll(async () => {
      for (const p of procs) await stopServer(p, 'SIGKILL');
      await moto?.stop();
      await testDb?.close();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    });

    const start = async () => {
      // A data directory of its own: nothing on disk is shared, only the database and the bucket.
      const dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-s3proc-'));
      dirs.push(dataDir);
      const proc = await startServer({
        NODE_ENV: 'development',
        LOG_FORMAT: 'json',
        DATABASE_URL: testDb.databaseUrl ?? '',
        JWT_SECRET: TEST_JWT_SECRET,
        DATA_DIR: dataDir,
        UPLOAD_MAX_BYTES: String(32 * 1024 * 1024),
        SETTINGS_CACHE_MS: '1000',
        RATE_LIMIT_LOGIN_PER_EMAIL: '4',
        ...moto.env(bucket.bucket),
      });
      procs.push(proc);
      return proc;
    };

    it("serves through B what A stored, delivers A's writes to B's subscribers, and agrees on maintenance and rate limits", async () => {
      const [a, b] = await Promise.all([start(), start()]);
      const user = await insertUser(testDb);
      const auth = { authorization: `Bearer ${user.token}` };

      // 12 MB of CSV: three 5 MiB parts through A's multipart upload.
      const line = 'id,name,value\n';
      const csv = Buffer.from(line.repeat(Math.ceil((12 * 1024 * 1024) / line.length)));
      const form = new FormData();
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'data.csv');
      const created = await fetch(`${a.url}/api/files/`, { method: 'POST', headers: auth, body: form });
      expect(created.status, await created.clone().text()).toBe(201);
      const file = (await created.json()) as { id: number; file: string };
      const key = keyOfUrl(file.file);
      expect(await bucket.keys()).toContain(key);

      const mediaPath = new URL(file.file).pathname;
      const servedByB = await fetch(`${b.url}${mediaPath}`);
      expect(servedByB.status).toBe(200);
      expect(servedByB.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(servedByB.headers.get('content-length')).toBe(String(csv.length));
      expect(Buffer.from(await servedByB.arrayBuffer()).equals(csv)).toBe(true);

      // A profile picture set through B is served by A.
      const picture = new FormData();
      picture.append('profile_pic', new Blob([PNG], { type: 'image/png' }), 'me.png');
      const profile = await fetch(`${b.url}/api/users/${user.slug}/`, {
        method: 'PATCH',
        headers: auth,
        body: picture,
      });
      expect(profile.status).toBe(200);
      const pictureUrl = ((await profile.json()) as { profile_pic: string }).profile_pic;
      const pictureByA = await fetch(`${a.url}${new URL(pictureUrl).pathname}`);
      expect(pictureByA.status).toBe(200);
      expect(Buffer.from(await pictureByA.arrayBuffer()).equals(PNG)).toBe(true);

      // Deleted through B: gone from the bucket, 404 through A.
      const deleted = await fetch(`${b.url}/api/files/${file.id}/`, { method: 'DELETE', headers: auth });
      expect(deleted.status).toBe(204);
      expect(await bucket.keys()).not.toContain(key);
      const goneForA = await fetch(`${a.url}${mediaPath}`);
      expect(goneForA.status).toBe(404);
      expect(await goneForA.json()).toMatchObject({ code: 'NOT_FOUND' });

      // A post written through A reaches a live-event stream open on B, within a second.
      const stream = await openSse(`${b.url}/api/events/`, auth);
      expect(stream.status).toBe(200);
      const post = await fetch(`${a.url}/api/posts/`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Written through A', body: '<p>hello</p>', is_published: true }),
      });
      expect(post.status).toBe(201);
      const { slug } = (await post.json()) as { slug: string };
      const frame = await stream.next((f) => f.event === 'post.created', 1_000);
      expect(JSON.parse(frame.data)).toMatchObject({ type: 'post.created', slug });
      stream.close();

      // Login attempts for one address count across both processes (the counters are in PostgreSQL).
      const login = (url: string) =>
        fetch(`${url}/api/users/login/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'shared-limit@test.lectern', password: 'wrong password 1' }),
        });
      for (const url of [a.url, b.url, a.url, b.url]) expect((await login(url)).status).not.toBe(429);
      expect((await login(a.url)).status).toBe(429);
      expect((await login(b.url)).status).toBe(429);

      // Maintenance switched on through A is seen by B within its settings cache time, and back off.
      const admin = await insertUser(testDb, { is_superuser: true });
      const setMaintenance = (url: string, on: boolean) =>
        fetch(`${url}/api/system/settings/`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ maintenance: on }),
        });
      expect((await setMaintenance(a.url, true)).status).toBe(200);
      await expect
        .poll(async () => (await fetch(`${b.url}/api/posts/`, { headers: auth })).status, {
          timeout: 5_000,
          interval: 100,
        })
        .toBe(503);
      expect((await setMaintenance(b.url, false)).status).toBe(200);
      await expect
        .poll(async () => (await fetch(`${a.url}/api/posts/`, { headers: auth })).status, {
          timeout: 5_000,
          interval: 100,
        })
        .toBe(200);

      expect(await stopServer(a)).toBe(0);
      expect(await stopServer(b)).toBe(0);
    });
  },
);
