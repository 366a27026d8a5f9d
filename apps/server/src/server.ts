import { createDb, migrateToLatest } from '@lectern/db';
import type { FastifyInstance } from 'fastify';
import { seedAdmin } from './admin.ts';
import { buildApp } from './app.ts';
import { apiConfigFrom, resolveJwtSecret } from './config.ts';
import type { Env } from './env.ts';
import { QueryCounter } from './plugins/query-count.ts';
import { startPublishing } from './publishing.ts';
import { createServices } from './services.ts';

/**
 * Opens the database named by the environment, migrates it if configured, builds the app and starts
 * the scheduled-publishing loop (stopped when the app closes, before the database).
 */
export async function createServer(env: Env): Promise<FastifyInstance> {
  const queryCounter = env.BENCH_COUNT_QUERIES ? new QueryCounter() : undefined;
  const { db, kind } = createDb({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    poolSize: env.DB_POOL_SIZE,
    onQuery: queryCounter?.onQuery,
    preparedStatements: env.DB_PREPARED_STATEMENTS,
  });
  let app: FastifyInstance | undefined;
  let publishing: ReturnType<typeof startPublishing>;
  try {
    if (env.MIGRATE_ON_START || kind === 'pglite') await migrateToLatest(db);
    const services = await createServices(db, env);
    const config = apiConfigFrom(env, resolveJwtSecret(env));
    app = await buildApp({
      env,
      config,
      db,
      services,
      onClose: async () => {
        await publishing?.stop();
        await db.destroy();
      },
    });
    queryCounter?.install(app);
    app.log.info({ database: kind }, 'database ready');
    // The embedded default gets a first superuser; on PostgreSQL it comes from `pnpm create-superuser`.
    if (kind === 'pglite') await seedAdmin(db, services.passwords, env, app.log);
    publishing = startPublishing(db, env, services, app.log);
    return app;
  } catch (error) {
    if (app) await app.close();
    else await db.destroy();
    throw error;
  }
}
