import { createDb, migrateToLatest } from '@lectern/db';
import type { FastifyInstance } from 'fastify';
import { seedAdmin } from './admin.ts';
import { buildApp } from './app.ts';
import { apiConfigFrom, resolveJwtSecret } from './config.ts';
import type { Env } from './env.ts';
import { type ImageVariantWorker, startImageVariants } from './image-variants.ts';
import { createLogger, type Logger } from './logger.ts';
import { type MaintenanceJobs, startMaintenanceJobs } from './maintenance-jobs.ts';
import { QueryCounter } from './plugins/query-count.ts';
import { type PublishScheduler, startPublishing } from './publishing.ts';
import { createServices } from './services.ts';
import { startWebhookDelivery, type WebhookWorker } from './webhooks.ts';

export interface ServerOptions {
  /** The process's logger (main.ts makes one per process); a new one from the environment otherwise. */
  logger?: Logger;
}

/**
 * Opens the database named by the environment, migrates it if configured, builds the app, seeds the
 * first superuser if configured and starts the housekeeping jobs, the scheduled-publishing loop and
 * the webhook delivery worker (stopped when the app closes, before the database).
 */
export async function createServer(env: Env, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const logger = opts.logger ?? createLogger(env);
  const queryCounter = env.BENCH_COUNT_QUERIES ? new QueryCounter() : undefined;
  const { db, kind, notifications } = createDb({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    poolSize: env.DB_POOL_SIZE,
    onQuery: queryCounter?.onQuery,
    preparedStatements: env.DB_PREPARED_STATEMENTS,
    preparedStatementsMax: env.DB_PREPARED_STATEMENTS_MAX,
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    onConnectionError: (error) => logger.warn({ error: error.message }, 'database connection lost'),
    onAvailabilityChange: (available, error) => {
      if (available) logger.info('database available again');
      else
        logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'database unavailable: answering 503 DATABASE_UNAVAILABLE until it is back',
        );
    },
  });
  let app: FastifyInstance | undefined;
  let jobs: MaintenanceJobs | undefined;
  let publishing: PublishScheduler | undefined;
  let webhooks: WebhookWorker | undefined;
  let imageVariants: ImageVariantWorker | undefined;
  try {
    if (env.MIGRATE_ON_START || kind === 'pglite') await migrateToLatest(db);
    const services = await createServices(db, env, logger, notifications);
    const config = apiConfigFrom(env, resolveJwtSecret(env));
    app = await buildApp({
      env,
      config,
      db,
      services,
      logger,
      onClose: async () => {
        await jobs?.stop();
        await publishing?.stop();
        await webhooks?.stop();
        await imageVariants?.stop();
        await db.destroy();
      },
    });
    queryCounter?.install(app);
    logger.info({ database: kind }, 'database ready');
    // The embedded default always gets a first superuser (a generated password if none is set); on
    // PostgreSQL only when ADMIN_PASSWORD is set, else it comes from `pnpm create-superuser`.
    await seedAdmin(db, services.passwords, env, logger, { generatePasswordIfUnset: kind === 'pglite' });
    jobs = startMaintenanceJobs({
      db,
      env,
      log: logger.child({ job: 'housekeeping' }),
      storage: services.storage,
    });
    publishing = startPublishing(db, env, services, logger);
    webhooks = startWebhookDelivery(db, env, logger);
    imageVariants = startImageVariants(db, env, services, logger);
    return app;
  } catch (error) {
    if (app) await app.close();
    else await db.destroy();
    throw error;
  }
}
