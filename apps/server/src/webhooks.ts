import { startWebhookWorker, type WebhookWorker } from '@lectern/api';
import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { Env } from './env.ts';
import type { Logger } from './logger.ts';
import { version } from './version.ts';

export type { WebhookWorker };

/**
 * The webhook delivery worker of this process (packages/api/src/webhooks/worker.ts), unless
 * WEBHOOK_DELIVERY is off. Any number of processes may run it: each attempt is made by one of them.
 */
export function startWebhookDelivery(
  db: Kysely<Database>,
  env: Env,
  log: Pick<Logger, 'child'>,
): WebhookWorker | undefined {
  if (!env.WEBHOOK_DELIVERY) return undefined;
  return startWebhookWorker({
    db,
    intervalMs: env.WEBHOOK_DELIVERY_INTERVAL_MS,
    batchSize: env.WEBHOOK_DELIVERY_BATCH_SIZE,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
    retryMaxDelayMs: env.WEBHOOK_RETRY_MAX_DELAY_MS,
    allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
    version,
    log: log.child({ job: 'webhooks' }),
  });
}
