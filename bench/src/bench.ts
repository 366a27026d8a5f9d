/**
 * `pnpm bench [--smoke] [--scale-1m] [--posts N] [--duration S] ...`
 *
 * Seeds (or reuses) the data sets, starts the floor and Lectern as their own processes on PostgreSQL
 * (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/lectern_bench), runs every scenario of
 * the benchmarks issue with autocannon in another process, and writes results/latest.{json,md}.
 * `--smoke` does all of it on a tiny data set in seconds (a test runs it so the harness cannot rot).
 */
import { parseOptions } from './options.ts';
import { loadAverage, writeReport } from './report.ts';
import { runBench } from './runner.ts';

async function main(): Promise<void> {
  const options = parseOptions();
  const loadBefore = loadAverage();
  await writeReport(await runBench(options), options, loadBefore);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
