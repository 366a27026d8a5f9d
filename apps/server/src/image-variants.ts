import { type ImageVariantWorker, type Services, startImageVariantWorker } from '@lectern/api';
import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { Env } from './env.ts';
import type { Logger } from './logger.ts';

export type { ImageVariantWorker };

/**
 * The image-variant worker of this process (packages/api/src/shared/image-variants.ts), unless
 * IMAGE_VARIANT_WORKER is off. Any number of processes may run it: each job is claimed by one at a
 * time, and a job whose process died is retried by another once its lease has run out.
 */
export function startImageVariants(
  db: Kysely<Database>,
  env: Env,
  services: Services,
  log: Pick<Logger, 'child'>,
): ImageVariantWorker | undefined {
  if (!env.IMAGE_VARIANT_WORKER) return undefined;
  return startImageVariantWorker({
    db,
    storage: services.storage,
    maxPixels: env.IMAGE_MAX_PIXELS,
    leaseSeconds: env.IMAGE_VARIANT_LEASE_SECONDS,
    maxAttempts: env.IMAGE_VARIANT_MAX_ATTEMPTS,
    intervalMs: env.IMAGE_VARIANT_INTERVAL_MS,
    log: log.child({ job: 'image-variants' }),
  });
}
