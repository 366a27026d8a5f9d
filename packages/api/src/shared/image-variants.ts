import type { Database } from '@lectern/db';
import { type Kysely, sql } from 'kysely';
import type { ImageVariant } from './image-variant-schema.ts';
import { extensionOf, type ImageFormat, isImageFormat, renderVariants } from './images.ts';
import { startPassLoop } from './pass-loop.ts';
import type { Storage } from './storage.ts';

/*
 * The life of image variants (tables in migration 0040):
 *
 * - an upload that stores a picture enqueues a job in the transaction that writes the picture's key
 *   to its row, so a request that fails leaves neither job nor file (withUpload removes the original);
 * - the worker of any server process claims one job at a time (`FOR UPDATE SKIP LOCKED`, then a lease
 *   in `locked_until`), renders the variants outside any transaction, saves them under keys derived
 *   from the original's (`{original without extension}-{width}w.{ext}`, so a retry overwrites rather
 *   than orphans), then in one transaction checks that its claim still holds, records the variants
 *   and deletes the job;
 * - when an original is let go of (a picture replaced or removed, a thumbnail no post or revision names
 *   any more), `releaseImageVariants` deletes its job and its variant rows in the caller's transaction
 *   and returns the variant keys, whose files the caller deletes with the original's after the commit.
 *   A worker that finishes after that finds its job gone and no variant rows, and deletes its files;
 * - a process that dies mid-job leaves its lease to run out; the next claim after that retries it,
 *   up to `maxAttempts` claims in all, after which the job is dropped (the picture keeps no variants).
 */

/** Key of the variant of `originalKey` at `width` in `format`. */
export function variantKey(originalKey: string, width: number, format: ImageFormat): string {
  const dot = originalKey.lastIndexOf('.');
  const base = dot > originalKey.lastIndexOf('/') ? originalKey.slice(0, dot) : originalKey;
  return `${base}-${width}w.${extensionOf(format)}`;
}

/** Queues the variants of a just-stored original (inside the transaction that names its key). */
export async function enqueueImageVariants(
  tx: Kysely<Database>,
  original: { key: string; format: ImageFormat; data: Uint8Array },
): Promise<void> {
  await tx
    .insertInto('image_variant_jobs')
    .values({ original_key: original.key, format: original.format, data: original.data })
    .onConflict((oc) => oc.column('original_key').doNothing())
    .execute();
}

/**
 * Forgets the variants of originals being let go of (inside the transaction that lets go of them):
 * their pending jobs and variant rows. Returns the variant keys, to delete after the commit.
 */
export async function releaseImageVariants(
  tx: Kysely<Database>,
  originalKeys: readonly string[],
): Promise<string[]> {
  if (originalKeys.length === 0) return [];
  const keys = [...originalKeys];
  await tx.deleteFrom('image_variant_jobs').where('original_key', 'in', keys).execute();
  const rows = await tx
    .deleteFrom('image_variants')
    .where('original_key', 'in', keys)
    .returning('key')
    .execute();
  return rows.map((row) => row.key);
}

export interface VariantRecord {
  key: string;
  width: number;
  height: number;
  format: string;
}

/** The variants of some originals, in one statement: original key → its variants, smallest first. */
export async function variantsOf(
  db: Kysely<Database>,
  originalKeys: ReadonlyArray<string | null>,
): Promise<Map<string, VariantRecord[]>> {
  const keys = [...new Set(originalKeys.filter((key): key is string => key !== null))];
  const found = new Map<string, VariantRecord[]>();
  if (keys.length === 0) return found;
  const rows = await db
    .selectFrom('image_variants')
    .select(['original_key', 'key', 'width', 'height', 'format'])
    .where('original_key', 'in', keys)
    .orderBy('original_key')
    .orderBy('width')
    .orderBy('format', 'desc')
    .execute();
  for (const { original_key, ...variant } of rows) {
    const list = found.get(original_key) ?? [];
    list.push(variant);
    found.set(original_key, list);
  }
  return found;
}

/** The API shape of variants: absolute URLs. */
export function toImageVariants(
  ctx: { services: { storage: Storage }; request: { baseUrl: string } },
  records: readonly VariantRecord[] | null | undefined,
): ImageVariant[] {
  return (records ?? []).map((record) => ({
    url: ctx.services.storage.url(ctx.request.baseUrl, record.key),
    width: record.width,
    height: record.height,
    format: record.format,
  }));
}

export interface VariantWorkerOptions {
  db: Kysely<Database>;
  storage: Storage;
  /** IMAGE_MAX_PIXELS: the decode limit, as at upload. */
  maxPixels: number;
  /** How long a claim holds before another process may take the job over. */
  leaseSeconds: number;
  /** Claims per job before it is dropped. */
  maxAttempts: number;
}

interface ClaimedJob {
  id: number;
  original_key: string;
  format: string;
  data: Uint8Array;
  attempts: number;
}

/** Claims the oldest job that is free (never claimed, or its lease ran out) and still has attempts. */
async function claimJob(opts: VariantWorkerOptions): Promise<ClaimedJob | undefined> {
  const result = await sql<ClaimedJob>`
    UPDATE image_variant_jobs
    SET attempts = attempts + 1, locked_until = now() + make_interval(secs => ${opts.leaseSeconds})
    WHERE id = (
      SELECT id FROM image_variant_jobs
      WHERE (locked_until IS NULL OR locked_until < now()) AND attempts < ${opts.maxAttempts}
      ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, original_key, format, data, attempts`.execute(opts.db);
  return result.rows[0];
}

/** Drops jobs whose every attempt failed (their lease ran out after the last one); returns how many. */
async function dropExhaustedJobs(opts: VariantWorkerOptions): Promise<number> {
  const result = await opts.db
    .deleteFrom('image_variant_jobs')
    .where('attempts', '>=', opts.maxAttempts)
    .where('locked_until', '<', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export type VariantJobOutcome =
  | { kind: 'done'; originalKey: string; variants: number; ms: number }
  | { kind: 'released'; originalKey: string }
  | { kind: 'failed'; originalKey: string; attempts: number; error: unknown };

/** Saves the variants, then records them if the claim still holds; else cleans up after itself. */
async function runJob(opts: VariantWorkerOptions, job: ClaimedJob): Promise<VariantJobOutcome> {
  const started = performance.now();
  if (!isImageFormat(job.format)) throw new Error(`unknown image format ${job.format}`);
  const rendered = await renderVariants(job.data, job.format, opts.maxPixels);
  const variants = rendered.map((variant) => ({
    ...variant,
    key: variantKey(job.original_key, variant.width, variant.format),
  }));
  for (const variant of variants) await opts.storage.save(variant.key, variant.data);
  const kept = await opts.db.transaction().execute(async (tx) => {
    const claim = await tx
      .selectFrom('image_variant_jobs')
      .select(['id', 'attempts'])
      .where('id', '=', job.id)
      .forUpdate()
      .executeTakeFirst();
    if (claim && claim.attempts !== job.attempts) return 'taken-over' as const;
    if (!claim) {
      // Gone: finished by a process that took the job over, or its original was let go of.
      const finished = await tx
        .selectFrom('image_variants')
        .select('id')
        .where('original_key', '=', job.original_key)
        .executeTakeFirst();
      return finished ? ('taken-over' as const) : ('released' as const);
    }
    if (variants.length > 0) {
      await tx
        .insertInto('image_variants')
        .values(
          variants.map((variant) => ({
            original_key: job.original_key,
            key: variant.key,
            width: variant.width,
            height: variant.height,
            format: variant.format,
          })),
        )
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    }
    await tx.deleteFrom('image_variant_jobs').where('id', '=', job.id).execute();
    return 'recorded' as const;
  });
  if (kept === 'released') {
    for (const variant of variants) await opts.storage.delete(variant.key);
    return { kind: 'released', originalKey: job.original_key };
  }
  return {
    kind: 'done',
    originalKey: job.original_key,
    variants: variants.length,
    ms: Math.round(performance.now() - started),
  };
}

/**
 * One pass: claims and runs jobs one at a time until none is free (or `limit` ran). A job that throws
 * keeps its error and its lease: it is retried once the lease runs out, if attempts remain.
 */
export async function runImageVariantJobs(
  opts: VariantWorkerOptions,
  limit = Number.POSITIVE_INFINITY,
): Promise<VariantJobOutcome[]> {
  const outcomes: VariantJobOutcome[] = [];
  await dropExhaustedJobs(opts);
  while (outcomes.length < limit) {
    const job = await claimJob(opts);
    if (!job) break;
    try {
      outcomes.push(await runJob(opts, job));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await opts.db
        .updateTable('image_variant_jobs')
        .set({ last_error: message.slice(0, 1000) })
        .where('id', '=', job.id)
        .execute();
      outcomes.push({ kind: 'failed', originalKey: job.original_key, attempts: job.attempts, error });
    }
  }
  return outcomes;
}

export interface VariantWorkerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ImageVariantWorker {
  /** Runs a pass now (or joins the one running); resolves with what it did. */
  runOnce(): Promise<VariantJobOutcome[]>;
  /** Stops the loop and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** Starts the loop: a pass at once, then one `intervalMs` after each pass ends. */
export function startImageVariantWorker(
  opts: VariantWorkerOptions & { intervalMs: number; log: VariantWorkerLog },
): ImageVariantWorker {
  return startPassLoop({
    intervalMs: opts.intervalMs,
    log: opts.log,
    failure: 'image variant worker failed; retrying every pass',
    failed: [],
    pass: async () => {
      const outcomes = await runImageVariantJobs(opts);
      for (const outcome of outcomes) {
        if (outcome.kind === 'done')
          opts.log.info(
            { key: outcome.originalKey, variants: outcome.variants, ms: outcome.ms },
            'image variants made',
          );
        else if (outcome.kind === 'failed')
          opts.log.warn(
            { key: outcome.originalKey, attempts: outcome.attempts, err: outcome.error },
            'image variants failed; retried after the lease while attempts remain',
          );
      }
      return outcomes;
    },
  });
}
