import { type PublishScheduler, type Services, startPublishScheduler } from '@lectern/api';
import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { Env } from './env.ts';
import type { Logger } from './logger.ts';

export type { PublishScheduler };

/**
 * The scheduled-publishing loop of this process (packages/api/src/posts/scheduler.ts), unless
 * PUBLISH_SCHEDULER is off. Any number of processes may run it: each due post is published once.
 */
export function startPublishing(
  db: Kysely<Database>,
  env: Env,
  services: Services,
  log: Pick<Logger, 'child'>,
): PublishScheduler | undefined {
  if (!env.PUBLISH_SCHEDULER) return undefined;
  return startPublishScheduler({
    db,
    storage: services.storage,
    revisionsKept: env.REVISIONS_KEPT,
    intervalMs: env.PUBLISH_SCHEDULER_INTERVAL_MS,
    batchSize: env.PUBLISH_SCHEDULER_BATCH_SIZE,
    log: log.child({ job: 'publish-scheduler' }),
  });
}
