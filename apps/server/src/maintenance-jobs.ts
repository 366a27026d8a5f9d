/**
 * Housekeeping every server process runs at start and then every HOUSEKEEPING_INTERVAL_SECONDS:
 * purge rows that no longer matter (content events past EVENTS_RETENTION_HOURS included;
 * packages/db/src/purges.ts) and sweep partial upload files left by a process that died mid-write
 * (`.part` files on local disk, unfinished multipart uploads in an S3 bucket). Both are safe to run
 * from several processes at once: the purges
 * share rows out with SKIP LOCKED, and the sweeper only touches `.part` files old enough that no
 * live write can own them.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { S3Storage, type Storage } from '@lectern/api';
import { type Database, isDatabaseUnavailable, type PurgeCounts, purgeExpiredRows } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { Env } from './env.ts';
import type { Logger } from './logger.ts';

/** LocalDiskStorage writes `<key>.<uuid>.part`, then renames it to `<key>` (packages/api storage.ts). */
const PART_FILE = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.part$/;

/** Removes partial upload files under `root` last modified more than `maxAgeMs` ago; returns how many. */
export async function sweepPartialUploads(root: string, maxAgeMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  let entries: Array<{ name: string; parentPath: string; isFile(): boolean }>;
  try {
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  for (const entry of entries) {
    if (!entry.isFile() || !PART_FILE.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    try {
      if ((await stat(file)).mtimeMs > now - maxAgeMs) continue;
      await rm(file, { force: true });
      removed++;
    } catch (error) {
      // Renamed or removed by its writer (or another sweeper) since the listing: nothing to do.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}

export interface JobsDeps {
  db: Kysely<Database>;
  env: Pick<
    Env,
    | 'HOUSEKEEPING_INTERVAL_SECONDS'
    | 'HOUSEKEEPING_BATCH_SIZE'
    | 'PARTIAL_UPLOAD_MAX_AGE_SECONDS'
    | 'OTP_RESEND_COOLDOWN_SECONDS'
    | 'OTP_MAX_ATTEMPTS'
    | 'MEDIA_ROOT'
    | 'EVENTS_RETENTION_HOURS'
  >;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** With an S3 bucket, unfinished multipart uploads are what a dead process leaves: those are aborted. */
  storage?: Storage;
}

export interface JobsPass {
  purged: PurgeCounts | null;
  partialUploads: number;
}

export interface MaintenanceJobs {
  /** One pass now (also what the timer runs); never rejects: failures are logged. */
  runOnce(): Promise<JobsPass>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** Starts the jobs: a first pass at once (in the background), then one every interval. */
export function startMaintenanceJobs(deps: JobsDeps): MaintenanceJobs {
  const { db, env, log } = deps;
  let running: Promise<JobsPass> | undefined;

  const pass = async (): Promise<JobsPass> => {
    const result: JobsPass = { purged: null, partialUploads: 0 };
    try {
      const maxAgeMs = env.PARTIAL_UPLOAD_MAX_AGE_SECONDS * 1000;
      result.partialUploads =
        deps.storage instanceof S3Storage
          ? await deps.storage.abortStaleUploads(maxAgeMs)
          : await sweepPartialUploads(env.MEDIA_ROOT, maxAgeMs);
    } catch (err) {
      log.error({ err }, 'housekeeping: sweeping partial uploads failed');
    }
    try {
      result.purged = await purgeExpiredRows(db, {
        batchSize: env.HOUSEKEEPING_BATCH_SIZE,
        maxBatches: 10,
        otpResendCooldownSeconds: env.OTP_RESEND_COOLDOWN_SECONDS,
        otpMaxAttempts: env.OTP_MAX_ATTEMPTS,
        eventsRetentionSeconds: env.EVENTS_RETENTION_HOURS * 3600,
      });
    } catch (err) {
      // During an outage the pool already says so; the next pass tries again.
      if (isDatabaseUnavailable(err)) log.warn('housekeeping: database unavailable, purges skipped');
      else log.error({ err }, 'housekeeping: purging expired rows failed');
    }
    const purged = result.purged;
    const total =
      (purged ? purged.refreshTokens + purged.otpCodes + purged.rateLimits + purged.contentEvents : 0) +
      result.partialUploads;
    if (total > 0)
      log.info({ ...purged, partialUploads: result.partialUploads }, 'housekeeping: removed stale data');
    else log.debug('housekeeping: nothing to remove');
    return result;
  };

  const runOnce = (): Promise<JobsPass> => {
    // Never two passes at once in one process (a slow pass and the next tick).
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  const intervalMs = env.HOUSEKEEPING_INTERVAL_SECONDS * 1000;
  const timer = intervalMs > 0 ? setInterval(() => void runOnce(), intervalMs) : undefined;
  timer?.unref();
  if (intervalMs > 0) void runOnce();

  return {
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
