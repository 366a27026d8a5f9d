/**
 * A server process killed (SIGKILL) in the middle of a large, slowly sent upload leaves no database
 * row and no file under a final name; partial files (`<key>.<uuid>.part`, what LocalDiskStorage leaves when a process dies between
 * writing and renaming) are removed by the sweeper at start and periodically, and only once they are
 * older than PARTIAL_UPLOAD_MAX_AGE_SECONDS, so a write in progress elsewhere is never touched.
 * PostgreSQL only: a killed process must not take the database with it (PGlite lives inside it).
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openTestDb, type TestDb } from '@lectern/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser, TEST_JWT_SECRET } from '../helpers.ts';
import { type ServerProc, startServer, stopServer } from '../server-process.ts';

const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';

async function filesUnder(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

describe.runIf(onPostgres)('killed mid-upload, partial-file sweeper', { timeout: 120_000 }, () => {
  let testDb: TestDb;
  let dataDir: string;
  const procs: ServerProc[] = [];
  beforeAll(async () => {
    testDb = await openTestDb();
    dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-kill-'));
  });
  afterAll(async () => {
    for (const p of procs) await stopServer(p, 'SIGKILL');
    await testDb.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('SIGKILL during an 8 MB upload leaves no row; stale .part files go at start and later, fresh ones stay', async () => {
    const env = {
      NODE_ENV: 'development',
      DATABASE_URL: testDb.databaseUrl ?? '',
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      HOUSEKEEPING_INTERVAL_SECONDS: '1',
      PARTIAL_UPLOAD_MAX_AGE_SECONDS: '600',
    };
    const media = path.join(dataDir, 'media');
    const user = await insertUser(testDb);

    // 1. An upload announced as ~8 MB, sent in 64 KiB pieces; the process is killed a quarter in.
    const first = await startServer(env);
    procs.push(first);
    const before = await filesUnder(media);
    const boundary = `----lectern${randomUUID()}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nbig\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n` +
        'Content-Type: text/plain\r\n\r\n',
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const fileBytes = 8 * 1024 * 1024;
    const { port } = new URL(first.url);
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/files/',
      headers: {
        authorization: `Bearer ${user.token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + fileBytes + tail.length),
      },
    });
    const answered = new Promise<string>((resolve) => {
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
      req.on('error', (error) =>
        resolve(`connection ${(error as NodeJS.ErrnoException).code ?? error.message}`),
      );
    });
    req.write(head);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let sent = 0; sent < fileBytes / 4; sent += chunk.length) {
      if (!req.write(chunk)) await once(req, 'drain');
      await sleep(5);
    }
    await sleep(300);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    expect(first.child.signalCode).toBe('SIGKILL');
    // The client sees the connection die, never an answer.
    expect(await answered).toMatch(/^connection /);
    const rows = await testDb.db
      .selectFrom('files')
      .select('id')
      .where('uploaded_by', '=', user.id)
      .execute();
    expect(rows).toEqual([]);
    // Gallery files stream to disk as they arrive: the killed write leaves at most its partial file
    // (never a file under a final name), which the sweeper removes once it is old enough.
    const left = (await filesUnder(media)).filter((file) => !before.includes(file));
    expect(left.length).toBeLessThanOrEqual(1);
    for (const file of left) expect(file).toMatch(/^file_gallery\/[0-9a-f-]{36}\.txt\.[0-9a-f-]{36}\.part$/);
    const killedPart = left[0] ? path.join(media, left[0]) : undefined;

    // 2. What a process killed between writing and renaming leaves behind, old and new.
    const dir = path.join(media, 'file_gallery');
    await mkdir(dir, { recursive: true });
    const stale = path.join(dir, `${randomUUID()}.png.${randomUUID()}.part`);
    const fresh = path.join(dir, `${randomUUID()}.png.${randomUUID()}.part`);
    const kept = path.join(dir, `${randomUUID()}.png`);
    const notOurs = path.join(dir, 'notes.part');
    for (const file of [stale, fresh, kept, notOurs]) await writeFile(file, 'x');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    for (const file of [stale, kept, notOurs]) await utimes(file, twoHoursAgo, twoHoursAgo);

    const second = await startServer(env);
    procs.push(second);
    // The pass at start removes the stale partial file only.
    await expect.poll(() => existsSync(stale), { timeout: 15_000, interval: 100 }).toBe(false);
    expect([fresh, kept, notOurs].map(existsSync)).toEqual([true, true, true]);

    // A later pass removes the others once they are old enough (the killed upload's too).
    await utimes(fresh, twoHoursAgo, twoHoursAgo);
    if (killedPart) await utimes(killedPart, twoHoursAgo, twoHoursAgo);
    await expect.poll(() => existsSync(fresh), { timeout: 15_000, interval: 200 }).toBe(false);
    if (killedPart)
      await expect.poll(() => existsSync(killedPart), { timeout: 15_000, interval: 200 }).toBe(false);
    expect([kept, notOurs].map(existsSync)).toEqual([true, true]);

    // Uploads still work next to the sweeper.
    const form = new FormData();
    form.append('file', new Blob(['hello, gallery\n'], { type: 'text/plain' }), 'hello.txt');
    const ok = await fetch(`${second.url}/api/files/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}` },
      body: form,
    });
    expect(ok.status).toBe(201);
    expect(await stopServer(second)).toBe(0);
  });
});
