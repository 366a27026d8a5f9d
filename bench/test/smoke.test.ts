/**
 * `pnpm bench --smoke` end to end, so the harness cannot rot: a tiny data set on PostgreSQL (and on
 * PGlite), the floor and Lectern as real processes, autocannon in its own process, EXPLAIN, the report.
 * It asserts that every scenario ran and answered as expected — never how fast.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TemplateInfo } from '@lectern/db/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';

const benchDir = path.resolve(import.meta.dirname, '..');
const onPostgres = process.env.LECTERN_TEST_DB === 'postgres';

interface Report {
  scenarios: Array<{
    id: string;
    server: string;
    requestsPerSecond: number;
    errors: number;
    timeouts: number;
    statuses: Record<string, number>;
    statementsPerRequest: number | null;
    runs: Array<{ responses: number }>;
  }>;
  targets: Array<{ name: string; met: boolean; measured: string }>;
  statementsByPageSize: Record<string, number>;
  explain: Array<{ name: string; status: number; statements: Array<{ plan: string }> }>;
}

describe.runIf(onPostgres)('pnpm bench --smoke', () => {
  let out: string | undefined;
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('seeds, runs every scenario against real processes and writes the report', {
    timeout: 600_000,
  }, async () => {
    out = await mkdtemp(path.join(tmpdir(), 'lectern-bench-test-'));
    const template: TemplateInfo = inject('lecternTemplate');
    const admin = new URL(template.adminUrl);
    admin.pathname = '/lectern_bench';
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/bench.ts', '--smoke', '--out', out], {
      cwd: benchDir,
      env: { ...process.env, DATABASE_URL: admin.toString() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(0);

    const report = JSON.parse(await readFile(path.join(out, 'smoke.json'), 'utf8')) as Report;
    const ran = (id: string, server: string) =>
      report.scenarios.find((s) => s.id === id && s.server === server);
    expect(ran('floor', 'floor')).toBeDefined();
    for (const id of ['s1', 's2', 's2k', 's3', 's4', 's5', 's6', 's7'])
      expect(ran(id, 'lectern, cache off'), id).toBeDefined();
    for (const id of ['s1', 's1-etag', 's2', 's3', 's6'])
      expect(ran(id, 'lectern, cache on'), id).toBeDefined();
    for (const id of ['s1', 's4']) expect(ran(id, 'PGlite, cache on'), id).toBeDefined();

    for (const s of report.scenarios) {
      const label = `${s.id} @ ${s.server}`;
      expect(s.errors, label).toBe(0);
      expect(s.timeouts, label).toBe(0);
      // Every answer was a success (304 only where the client revalidates).
      const allowed = s.id === 's1-etag' ? ['200', '304'] : ['200'];
      for (const status of Object.keys(s.statuses)) expect(allowed, `${label}: ${status}`).toContain(status);
      expect(
        s.runs.reduce((a, r) => a + r.responses, 0),
        label,
      ).toBeGreaterThan(0);
      if (s.server !== 'floor') expect(s.statementsPerRequest, label).not.toBeNull();
    }
    // The revalidating client got 304s; the uncached list ran its user check and its page (with the
    // count inside) every time.
    expect(ran('s1-etag', 'lectern, cache on')?.statuses['304'] ?? 0).toBeGreaterThan(0);
    expect(ran('s1', 'lectern, cache off')?.statementsPerRequest ?? 0).toBeGreaterThanOrEqual(2);
    const sizes = Object.values(report.statementsByPageSize);
    expect(sizes).toHaveLength(3);
    expect(new Set(sizes).size).toBe(1);
    expect(report.explain.map((e) => e.status)).toEqual([200, 200, 200, 200]);
    for (const e of report.explain) {
      expect(
        e.statements.some((s) => /Execution Time/.test(s.plan)),
        e.name,
      ).toBe(true);
    }
    expect(await readFile(path.join(out, 'smoke.md'), 'utf8')).toContain('| scenario | server |');
  });
});
