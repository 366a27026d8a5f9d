/**
 * A private PostgreSQL server for tests that stop and start the database (outage tests): its own
 * data directory under the temp folder, its own port and socket directory, so the shared server at
 * 5432 is never touched. initdb and pg_ctl refuse to run as root, so as root they run through
 * `su postgres`; CI runs as root on machines like this one.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server-process.ts';

const run = promisify(execFile);

export interface OwnPostgres {
  port: number;
  /** A connection URL for `database` on this server (user postgres, trust). */
  url(database?: string): string;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: sessions are ended (57P01), the server shuts down cleanly. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

function binDir(): string {
  const fromEnv = process.env.LECTERN_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) {
    throw new Error(
      `no PostgreSQL server binaries under ${root} (apt-get install postgresql, or set LECTERN_PG_BIN to the folder holding initdb and pg_ctl)`,
    );
  }
  return path.join(root, versions[0], 'bin');
}

/** Runs a PostgreSQL tool as the postgres user (directly if we are that user, via su as root). */
async function asPostgres(command: string): Promise<string> {
  const uid = process.getuid?.();
  let postgresUid: number;
  try {
    postgresUid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  } catch {
    throw new Error('there is no `postgres` system user: install PostgreSQL (apt-get install postgresql)');
  }
  if (uid === postgresUid) return (await run('sh', ['-c', command])).stdout;
  if (uid !== 0) {
    throw new Error(
      `this test starts its own PostgreSQL with initdb/pg_ctl, which must run as the postgres user: run the tests as root (they use \`su postgres\`) or as postgres (uid ${uid} is neither)`,
    );
  }
  try {
    return (await run('su', ['postgres', '-s', '/bin/sh', '-c', command])).stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`\`su postgres -c "${command}"\` failed: ${e.stderr || e.message}`);
  }
}

export async function createOwnPostgres(): Promise<OwnPostgres> {
  const bin = binDir();
  const dir = await mkdtemp(path.join(tmpdir(), 'lectern-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const postgresUid = Number((await run('id', ['-u', 'postgres']).catch(() => ({ stdout: '-1' }))).stdout);
  const postgresGid = Number((await run('id', ['-g', 'postgres']).catch(() => ({ stdout: '-1' }))).stdout);
  if (process.getuid?.() === 0 && postgresUid >= 0) await chown(dir, postgresUid, postgresGid);
  await asPostgres(`${bin}/initdb -D ${data} -U postgres -A trust -E UTF8 --locale=C -N >/dev/null`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  let running = false;
  const self: OwnPostgres = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await asPostgres(
        `${bin}/pg_ctl -D ${data} -o "${options}" -l ${dir}/server.log -w -t 60 start >/dev/null`,
      );
      running = true;
    },
    async stop() {
      await asPostgres(`${bin}/pg_ctl -D ${data} -m fast -w -t 60 stop >/dev/null`);
      running = false;
    },
    async destroy() {
      if (running)
        await asPostgres(`${bin}/pg_ctl -D ${data} -m immediate -w stop >/dev/null`).catch(() => {});
      running = false;
      await rm(dir, { recursive: true, force: true });
    },
  };
  return self;
}
