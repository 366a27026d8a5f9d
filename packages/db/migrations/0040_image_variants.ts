import { type Kysely, sql } from 'kysely';

/*
 * Image variants (resized WebP + original-format copies of profile pictures and post thumbnails).
 *
 * `image_variants`: one row per variant file, keyed by the storage key of its original. The post
 * lists read a page's variants with a correlated json_agg over the `original_key` index, so a page
 * costs the same number of statements as before. Variant rows bump the content version (migration
 * 0020) like the posts they belong to, so cached lists show variants as soon as they exist.
 *
 * `image_variant_jobs`: the work queue. Generating the variants of a 12-megapixel photo costs a few
 * hundred milliseconds of CPU, so requests only enqueue a job (in the transaction that stores the
 * original's key) and a worker in every server process picks jobs up with `FOR UPDATE SKIP LOCKED`
 * and a lease (`locked_until`). The job carries the (already metadata-stripped) image bytes, so a
 * worker needs nothing from the storage but `save`: it works with the local disk and object stores
 * alike. A finished or abandoned job is deleted, bytes included.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE image_variants (
      id integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
      original_key varchar(255) NOT NULL,
      key varchar(255) NOT NULL UNIQUE,
      width integer NOT NULL,
      height integer NOT NULL,
      format varchar(16) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX image_variants_original_idx ON image_variants (original_key, width)`.execute(db);
  await sql`
    CREATE CONSTRAINT TRIGGER image_variants_content_version AFTER INSERT OR UPDATE OR DELETE
    ON image_variants DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION lectern_bump_content_version()`.execute(db);

  await sql`
    CREATE TABLE image_variant_jobs (
      id integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
      original_key varchar(255) NOT NULL UNIQUE,
      format varchar(16) NOT NULL,
      data bytea NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}
