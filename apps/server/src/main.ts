/**
 * Entry point. In production on PostgreSQL, a primary process forks WORKERS server processes that
 * share the port and restarts any that dies (with a growing delay while they keep dying); otherwise
 * (development, or PGlite, which lives inside one process) a single process serves. Every process
 * logs through the same logger (logger.ts). SIGTERM and SIGINT (Ctrl-C) stop the server cleanly:
 * no new connections, in-flight requests finished, exit code 0.
 */
import cluster, { type Worker } from 'node:cluster';
import { ConfigError, type Env, loadEnv } from './env.ts';
import { createLogger, type Logger } from './logger.ts';
import { RestartBackoff } from './restart-backoff.ts';
import { createServer } from './server.ts';

async function serve(env: Env, logger: Logger): Promise<void> {
  const app = await createServer(env, { logger });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await app.listen({ port: env.PORT, host: env.HOST });
}

function runPrimary(env: Env, logger: Logger): void {
  let stopping = false;
  const backoff = new RestartBackoff();
  const startedAt = new Map<number, number>();
  const pendingRestarts = new Set<NodeJS.Timeout>();
  const fork = (): Worker => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    return worker;
  };
  for (let i = 0; i < env.WORKERS; i++) fork();
  logger.info({ workers: env.WORKERS }, 'primary started its workers');

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? Date.now());
    startedAt.delete(worker.id);
    if (stopping) return;
    const { delayMs, crashes } = backoff.next(lived);
    logger.error(
      { worker: worker.process.pid, exit: signal ?? code, livedMs: lived, restartInMs: delayMs, crashes },
      'worker died; starting another',
    );
    const timer = setTimeout(() => {
      pendingRestarts.delete(timer);
      if (!stopping) fork();
    }, delayMs);
    pendingRestarts.add(timer);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the workers');
    for (const timer of pendingRestarts) clearTimeout(timer);
    // A terminal's Ctrl-C reaches the workers directly too (same process group); a second signal is
    // harmless to them.
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    const check = setInterval(() => {
      if (Object.keys(cluster.workers ?? {}).length > 0) return;
      logger.info('all workers stopped');
      process.exit(0);
    }, 100);
    check.unref();
    // The workers give up on in-flight requests after SHUTDOWN_TIMEOUT_MS; past that, something hangs.
    const deadline = setTimeout(() => {
      logger.error('workers did not stop in time; killing them');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS + 5_000);
    deadline.unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const multiProcess = env.NODE_ENV === 'production' && env.DATABASE_URL !== undefined && env.WORKERS > 1;
  const logger = createLogger(env, multiProcess ? { role: cluster.isPrimary ? 'primary' : 'worker' } : {});
  try {
    if (multiProcess && cluster.isPrimary) {
      // Migrate once, before workers race for the lock.
      if (env.MIGRATE_ON_START) {
        const { createDb, migrateToLatest } = await import('@lectern/db');
        const { db } = createDb({ databaseUrl: env.DATABASE_URL, poolSize: 1 });
        try {
          await migrateToLatest(db);
        } finally {
          await db.destroy();
        }
      }
      runPrimary(env, logger);
      return;
    }
    await serve(multiProcess ? { ...env, MIGRATE_ON_START: false } : env, logger);
  } catch (err) {
    logger.fatal({ err }, 'could not start');
    process.exit(1);
  }
}

await main();
