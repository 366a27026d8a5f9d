/**
 * `pnpm bench [--smoke] [--scale-1m] [--soak [--soak-minutes N]] [--posts N] ...`
 *
 * Seeds (or reuses) the data sets, starts the floor and Lectern as their own processes on PostgreSQL
 * (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/lectern_bench), runs every scenario of
 * the benchmarks issue with autocannon in another process, and writes results/latest.{json,md}.
 * `--smoke` does all of it on a tiny data set in seconds (a test runs it so the harness cannot rot).
 * `--soak` runs the soak scenario instead (soak.ts) and writes results/soak.{json,md}.
 */
import { parseOptions } from './options.ts';
import { loadAverage, writeReport } from './report.ts';
import { runBench } from './runner.ts';
import { runSoak, writeSoakReport } from './soak.ts';

async function main(): Promise<void> {
  const options = parseOptions();
  const loadBefore = loadAverage();
  if (options.soak) {
    await writeSoakReport(await runSoak(options, options.soak), options, loadBefore);
    return;
  }
  await writeReport(await runBench(options), options, loadBefore);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
