/**
 * Starting and stopping as an operator does: `pnpm start` stopped with Ctrl-C (SIGINT to the whole
 * process group, as a terminal sends it) or with SIGTERM to pnpm alone (a process manager) exits 0
 * with no error output and leaves no process behind; a production primary whose workers keep dying
 * restarts them with a growing delay, logging through the same JSON logger as the workers.
 * Runs once (in the pglite project): the first part runs on PGlite, the second never reaches a database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET } from '../helpers.ts';
import { freePort } from '../server-process.ts';

const onPglite = process.env.LECTERN_TEST_DB === 'pglite';
const repoRoot = path.resolve(import.meta.dirname, '../../../..');

interface Started {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
}

/** Runs a command in a process group of its own (as a terminal would), capturing its output. */
function launch(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd = repoRoot,
): Started & { port: number } {
  const port = Number(env.PORT);
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return { child, port, stdout: () => out, stderr: () => err };
}

async function healthy(p: Started): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null) throw new Error(`exited early:\n${p.stdout()}\n${p.stderr()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${p.port}/health-check/`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`never healthy:\n${p.stdout()}\n${p.stderr()}`);
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** stderr minus what is not an error: pnpm's echo of the script it runs, and the admin banner. */
function errorOutput(stderr: string): string[] {
  const banner = /={10,}[\s\S]*?={10,}/g;
  return stderr
    .replace(banner, '')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('$ '));
}

describe.runIf(onPglite)('process lifecycle', { timeout: 180_000 }, () => {
  let dataDir: string;
  const groups: number[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'lectern-life-'));
  });
  afterAll(async () => {
    for (const pgid of groups) if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const how of ['Ctrl-C (SIGINT to the group)', 'SIGTERM to pnpm alone'] as const) {
    it(`pnpm start, stopped by ${how}, exits 0 without error output`, async () => {
      const p = launch('pnpm', ['start'], {
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        NODE_ENV: 'development',
      });
      const pgid = p.child.pid ?? 0;
      groups.push(pgid);
      await healthy(p);
      if (how.startsWith('Ctrl-C')) process.kill(-pgid, 'SIGINT');
      else p.child.kill('SIGTERM');
      const [code] = (await once(p.child, 'exit')) as [number | null];
      expect(code, `${p.stdout()}\n${p.stderr()}`).toBe(0);
      expect(errorOutput(p.stderr())).toEqual([]);
      expect(p.stdout()).toMatch(/INFO.*stopped/);
      expect(p.stdout()).not.toMatch(/ERROR|FATAL/);
      await expect.poll(() => groupAlive(pgid), { timeout: 10_000 }).toBe(false);
    });
  }

  it('the primary backs off while workers keep dying, and logs it through the JSON logger', async () => {
    // Nothing listens on this port: each worker fails at start (the primary does not migrate here).
    const deadPort = await freePort();
    const p = launch(
      'node',
      ['--import', 'tsx', 'src/main.ts'],
      {
        NODE_ENV: 'production',
        WORKERS: '2',
        DATABASE_URL: `postgres://postgres@127.0.0.1:${deadPort}/none`,
        MIGRATE_ON_START: 'false',
        JWT_SECRET: TEST_JWT_SECRET,
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
      },
      path.join(repoRoot, 'apps/server'),
    );
    groups.push(p.child.pid ?? 0);
    const deaths = () =>
      p
        .stdout()
        .split('\n')
        .filter((l) => l.includes('worker died'))
        .map((l) => JSON.parse(l) as { role: string; restartInMs: number; crashes: number; level: number });
    await expect.poll(() => deaths().length, { timeout: 60_000, interval: 250 }).toBeGreaterThanOrEqual(5);
    const seen = deaths();
    expect(seen.every((d) => d.role === 'primary' && d.level === 50)).toBe(true);
    expect(seen.slice(0, 5).map((d) => d.restartInMs)).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(seen.slice(0, 5).map((d) => d.crashes)).toEqual([1, 2, 3, 4, 5]);
    // The workers say why, through the same logger.
    expect(p.stdout()).toMatch(/"role":"worker".*"msg":"could not start"/);
    p.child.kill('SIGTERM');
    const [code] = (await once(p.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(p.stderr()).toBe('');
  });
});
