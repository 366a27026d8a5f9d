import { createDb, migrateToLatest } from '@lectern/db';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { apiConfigFrom, resolveJwtSecret } from './config.ts';
import type { Env } from './env.ts';
import { createServices } from './services.ts';

/** Opens the database named by the environment, migrates it if configured, and builds the app. */
export async function createServer(env: Env): Promise<FastifyInstance> {
  const { db, kind } = createDb({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    poolSize: env.DB_POOL_SIZE,
  });
  try {
    if (env.MIGRATE_ON_START || kind === 'pglite') await migrateToLatest(db);
    const services = await createServices(db, env);
    const config = apiConfigFrom(env, resolveJwtSecret(env));
    const app = await buildApp({ env, config, db, services, onClose: () => db.destroy() });
    app.log.info({ database: kind }, 'database ready');
    return app;
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
