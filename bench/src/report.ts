/** The report of a run: the targets it is judged by, Markdown for people and JSON with everything. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { explainMarkdown } from './explain.ts';
import { type BenchOptions, label, log } from './options.ts';
import { BENCH_DIR } from './processes.ts';
import type { BenchRun, ScenarioResult } from './runner.ts';
import type { ScenarioId } from './scenarios.ts';

export interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  pglite: string;
  loadBefore: string;
  loadAfter: string;
  date: string;
}

export const loadAverage = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

export async function machine(pgVersion: string, loadBefore: string): Promise<Machine> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: pgVersion.split(' on ')[0] ?? pgVersion,
    pglite: JSON.parse(
      await readFile(
        path.join(BENCH_DIR, '../packages/db/node_modules/@electric-sql/pglite/package.json'),
        'utf8',
      ).catch(() => '{"version":"unknown"}'),
    ).version as string,
    loadBefore,
    loadAfter: loadAverage(),
    date: new Date().toISOString(),
  };
}

function finder(run: BenchRun, posts: number) {
  return (id: ScenarioId, server: string): ScenarioResult | undefined =>
    run.scenarios.find((r) => r.id === id && r.server === server && r.posts === posts);
}

export function targets(run: BenchRun, options: BenchOptions): Target[] {
  const find = finder(run, options.config.posts);
  const floor = find('floor', 'floor');
  const off = (id: ScenarioId) => find(id, 'lectern, cache off');
  const on = (id: ScenarioId) => find(id, 'lectern, cache on');
  const out: Target[] = [];
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : Number.NaN);
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const s1 = off('s1');
  if (floor && s1) {
    const r = ratio(s1.requestsPerSecond, floor.requestsPerSecond);
    out.push({ name: '(1) vs floor, req/s', target: '≥ 85%', measured: pct(r), met: r >= 0.85 });
    const p = ratio(s1.p99, floor.p99);
    out.push({ name: '(1) p99 vs floor p99', target: '≤ 1.5×', measured: `${p.toFixed(2)}×`, met: p <= 1.5 });
  }
  for (const id of ['s2', 's2k', 's4'] as const) {
    const r = ratio(off(id)?.requestsPerSecond, s1?.requestsPerSecond);
    if (!Number.isNaN(r))
      out.push({
        name: `${id.replace('s', '(')}) vs (1), req/s`,
        target: '≥ 75%',
        measured: pct(r),
        met: r >= 0.75,
      });
  }
  const r3 = ratio(off('s3')?.requestsPerSecond, s1?.requestsPerSecond);
  if (!Number.isNaN(r3))
    out.push({ name: '(3) vs (1), req/s', target: '≥ 40%', measured: pct(r3), met: r3 >= 0.4 });
  const r6 = ratio(off('s6')?.requestsPerSecond, s1?.requestsPerSecond);
  if (!Number.isNaN(r6))
    out.push({ name: '(6) tRPC vs (1) REST, req/s', target: '≥ 100%', measured: pct(r6), met: r6 >= 1 });
  const sizes = Object.values(run.statementsByPageSize);
  if (sizes.length > 0) {
    out.push({
      name: 'SQL statements per list request, page_size 1/20/100',
      target: 'constant',
      measured: sizes.join(' / '),
      met: sizes.every((n) => n === sizes[0] && Number.isFinite(n)),
    });
  }
  const failures = run.scenarios.filter(
    (r) => r.errors > 0 || r.timeouts > 0 || Object.keys(r.statuses).some((c) => !/^(200|304)$/.test(c)),
  );
  out.push({
    name: 'errors, timeouts, unexpected statuses',
    target: 'none',
    measured: failures.length === 0 ? 'none' : failures.map((r) => `${r.id}@${r.server}`).join(', '),
    met: failures.length === 0,
  });
  const c1 = on('s1');
  if (floor && c1) {
    const r = ratio(c1.requestsPerSecond, floor.requestsPerSecond);
    out.push({
      name: '(1) cache on vs floor, req/s',
      target: '≥ 3×',
      measured: `${r.toFixed(2)}×`,
      met: r >= 3,
    });
  }
  return out;
}

/** A Markdown table: a header row, its separator, and the rows. */
export function table(header: string[], rows: Array<Array<string | number>>): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
}

export function markdown(
  run: BenchRun,
  options: BenchOptions,
  machineInfo: Machine,
  targetList: Target[],
): string {
  const { config } = options;
  const floor = finder(run, config.posts)('floor', 'floor');
  const rows = run.scenarios.map((r) => {
    const vsFloor =
      floor && r.posts === config.posts
        ? `${((r.requestsPerSecond / floor.requestsPerSecond) * 100).toFixed(0)}%`
        : '';
    const odd = Object.entries(r.statuses)
      .filter(([c]) => c !== '200')
      .map(([c, n]) => `${c}×${n}`)
      .join(' ');
    return [
      r.title,
      r.server,
      label(r.posts),
      r.requestsPerSecond.toFixed(0),
      r.p50,
      r.p90,
      r.p99,
      `${r.errors}/${r.timeouts}${odd ? ` (${odd})` : ''}`,
      r.statementsPerRequest?.toFixed(2) ?? '-',
      vsFloor,
    ];
  });
  const lines = [
    `Machine: ${machineInfo.cpu} × ${machineInfo.cores} cores, ${machineInfo.memoryGiB} GiB, Node ${machineInfo.node}, ${machineInfo.postgres}`,
    `Load average before/after: ${machineInfo.loadBefore} / ${machineInfo.loadAfter}`,
    `Settings: ${config.connections} connections, warm-up ${config.warmupSeconds} s, ${config.runs} × ${config.durationSeconds} s runs (medians), server WORKERS=${config.workers}, DB_POOL_SIZE=${config.poolSize}`,
    '',
    ...table(
      [
        'scenario',
        'server',
        'posts',
        'req/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'errors/timeouts',
        'SQL/req',
        'vs floor',
      ],
      rows,
    ),
    '',
    ...table(
      ['target', 'wanted', 'measured', 'met'],
      targetList.map((t) => [t.name, t.target, t.measured, t.met ? 'yes' : '**no**']),
    ),
  ];
  if (run.scaling.length > 0) {
    const sizes = [...new Set(run.scenarios.map((r) => r.posts))].sort((a, b) => a - b);
    const columns: Array<[ScenarioId, string]> = [
      ['s1', 'lectern, cache off'],
      ['s1', 'lectern, cache on'],
      ['s2', 'lectern, cache off'],
      ['s2k', 'lectern, cache off'],
      ['s2k', 'lectern, cache on'],
      ['s3', 'lectern, cache off'],
      ['s3', 'lectern, cache on'],
    ];
    const cell = (r: ScenarioResult | undefined) =>
      r ? `${r.requestsPerSecond.toFixed(0)} (p50 ${r.p50}, p99 ${r.p99})` : '-';
    lines.push(
      '',
      ...table(
        [
          'posts',
          ...columns.map(([id, server]) => `${id.replace('s', '(')}) ${server.replace('lectern, ', '')}`),
        ],
        sizes.map((posts) => [
          label(posts),
          ...columns.map(([id, server]) =>
            cell(run.scenarios.find((r) => r.id === id && r.server === server && r.posts === posts)),
          ),
        ]),
      ),
      '',
      ...table(
        ['posts', '(1) statements, ms', '(2k) statements, ms', '(3) statements, ms', '(3) matches'],
        [...run.scaling]
          .sort((a, b) => a.posts - b.posts)
          .map((s) => [
            label(s.posts),
            s.listMs?.toFixed(1) ?? '-',
            s.deepMs?.toFixed(1) ?? '-',
            s.searchMs?.toFixed(1) ?? '-',
            s.searchMatches,
          ]),
      ),
    );
  }
  return lines.join('\n');
}

/** Writes `<base>.json` and `<base>.md` into the output folder, and the Markdown to stdout. */
export async function writeResults(
  options: BenchOptions,
  base: string,
  json: unknown,
  text: string,
): Promise<void> {
  await mkdir(options.outDir, { recursive: true });
  await writeFile(path.join(options.outDir, `${base}.json`), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(path.join(options.outDir, `${base}.md`), `${text}\n`);
  console.log(`\n${text}\n`);
  log(`results in ${options.outDir}`);
}

export async function writeReport(run: BenchRun, options: BenchOptions, loadBefore: string): Promise<void> {
  const machineInfo = await machine(run.pgVersion, loadBefore);
  const targetList = targets(run, options);
  const text = markdown(run, options, machineInfo, targetList);
  const json = {
    machine: machineInfo,
    config: options.config,
    scenarios: run.scenarios,
    targets: targetList,
    statementsByPageSize: run.statementsByPageSize,
    scaling: run.scaling,
    explain: run.explained,
  };
  if (run.explained.length > 0) {
    await mkdir(options.outDir, { recursive: true });
    await writeFile(
      path.join(options.outDir, `explain-${label(options.config.posts)}.md`),
      explainMarkdown(
        `EXPLAIN ANALYZE of scenarios 1–3 at ${label(options.config.posts)} posts`,
        run.explained,
      ),
    );
  }
  await writeResults(options, options.config.smoke ? 'smoke' : 'latest', json, text);
}
