/**
 * Entry point. In production on PostgreSQL, a primary process forks WORKERS server processes that
 * share the port and restarts any that dies; otherwise (development, or PGlite, which lives inside
 * one process) a single process serves.
 */
import cluster from 'node:cluster';
import { ConfigError, type Env, loadEnv } from './env.ts';
import { createServer } from './server.ts';

async function serve(env: Env): Promise<void> {
  const app = await createServer(env);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await app.listen({ port: env.PORT, host: env.HOST });
}

function runPrimary(env: Env): void {
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < env.WORKERS; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`worker ${worker.process.pid} died (${signal ?? code}); starting another`);
    setTimeout(fork, 500);
  });
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    const check = setInterval(() => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    }, 100);
    check.unref();
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
  if (multiProcess && cluster.isPrimary) {
    // Migrate once, before workers race for the lock.
    if (env.MIGRATE_ON_START) {
      const { createDb, migrateToLatest } = await import('@lectern/db');
      const { db } = createDb({ databaseUrl: env.DATABASE_URL, poolSize: 1 });
      await migrateToLatest(db);
      await db.destroy();
    }
    runPrimary(env);
    return;
  }
  await serve(multiProcess ? { ...env, MIGRATE_ON_START: false } : env);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
