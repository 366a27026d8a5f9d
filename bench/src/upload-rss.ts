/**
 * Peak memory of one server process while a large file is uploaded to the gallery, streamed into
 * storage: `pnpm --filter @lectern/bench upload-rss [MB] [--no-buffered]` (default 100). Starts moto's S3 server (as the
 * tests do) and one development server process on PGlite with STORAGE=s3, then the same with
 * STORAGE=local; sends the file as a multipart body generated on the fly, and samples the server's
 * VmRSS (/proc) every 20 ms. VmHWM is the kernel's high-water mark of the whole process life.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startMoto } from '@lectern/api/testing';
import pg from 'pg';
import { freePort } from './processes.ts';

const MB = 1024 * 1024;
const sizeMb = Number(process.argv[2] ?? 100);
const serverDir = path.resolve(import.meta.dirname, '../../apps/server');
const ADMIN = { email: 'bench@example.com', password: 'Bench-upload-rss-0123456789' };

async function memory(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

interface Target {
  method: 'POST' | 'PATCH';
  path: string;
  field: string;
}

const GALLERY: Target = { method: 'POST', path: '/api/files/', field: 'file' };

async function run(label: string, extraEnv: Record<string, string>, target: Target = GALLERY) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-rss-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: await freshDatabase(),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      UPLOAD_MAX_BYTES: String((sizeMb + 10) * MB),
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error('server exited');
      try {
        if ((await fetch(`${url}/health-check/`)).ok) break;
      } catch {}
      if (i > 600) throw new Error('server did not start');
      await sleep(100);
    }
    const login = await fetch(`${url}/api/users/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const { access } = (await login.json()) as { access: string };
    const me = await fetch(`${url}/api/users/me/`, { headers: { authorization: `Bearer ${access}` } });
    const { slug } = (await me.json()) as { slug: string };
    const pid = child.pid as number;
    // Settle, then the baseline.
    await fetch(`${url}/api/files/`, { headers: { authorization: `Bearer ${access}` } });
    await sleep(500);
    const before = await memory(pid);

    const boundary = `----lectern-bench-${Date.now()}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${target.field}"; filename="big.csv"\r\n` +
        'Content-Type: text/csv\r\n\r\n',
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const line = Buffer.from('1234567,some name,42.5,another column\n');
    const chunk = Buffer.concat(Array.from({ length: Math.floor((64 * 1024) / line.length) }, () => line));
    const fileBytes = Math.floor((sizeMb * MB) / chunk.length) * chunk.length;

    let peak = before.rss;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await memory(pid)).rss);
        await sleep(20);
      }
    })();
    const started = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: target.method,
          path: target.path.replace('{slug}', slug),
          headers: {
            authorization: `Bearer ${access}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(head.length + fileBytes + tail.length),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      (async () => {
        req.write(head);
        for (let sent = 0; sent < fileBytes; sent += chunk.length) {
          if (!req.write(chunk)) await once(req, 'drain');
        }
        req.end(tail);
      })().catch(reject);
    });
    const seconds = (Date.now() - started) / 1000;
    sampling = false;
    await sampler;
    const after = await memory(pid);
    const result = {
      storage: label,
      status,
      fileMB: +(fileBytes / MB).toFixed(1),
      seconds: +seconds.toFixed(1),
      rssBeforeMB: +(before.rss / MB).toFixed(1),
      peakRssDuringMB: +(peak / MB).toFixed(1),
      vmHwmBeforeMB: +(before.hwm / MB).toFixed(1),
      vmHwmAfterMB: +(after.hwm / MB).toFixed(1),
      growthMB: +((peak - before.rss) / MB).toFixed(1),
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A new empty database on the PostgreSQL of LECTERN_BENCH_PG_URL (default: the local test server). */
async function freshDatabase(): Promise<string> {
  const base = process.env.LECTERN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = 'lectern_upload_rss';
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

const moto = await startMoto();
try {
  const bucket = await moto.bucket();
  await run('s3', moto.env(bucket.bucket));
  await run('local', {});
  // For comparison: the profile picture path still buffers its (small, image) files whole before the
  // content check; the same body sent there is held in memory, then refused (415).
  if (!process.argv.includes('--no-buffered'))
    await run(
      'buffered (profile picture path, refused 415)',
      {},
      {
        method: 'PATCH',
        path: '/api/users/{slug}/',
        field: 'profile_pic',
      },
    );
} finally {
  await moto.stop();
}
