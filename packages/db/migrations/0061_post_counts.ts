import { type Kysely, sql } from 'kysely';

/*
 * The number of live posts and of live published posts, kept up to date by triggers, so the post lists
 * without a filter (the front page: every published post) need not count ~N index entries per request:
 * an exact count(*) is linear in the posts (16 ms at 100k, 125 ms at 1M), this is one row.
 *
 * Same pattern as content_version (0020), for the same reason: each changed row adds its difference to
 * transaction-local settings (no lock), and a deferred constraint trigger applies the sum to the single
 * counter row once, at commit — after every other lock the transaction takes, so the counter row is
 * never part of a deadlock cycle, and concurrent writers only queue for the instant of their commit
 * (content_version already makes them do so). A rolled-back transaction or savepoint leaves no trace
 * (its settings and trigger events go with it). TRUNCATE resets the counts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE post_counts (
      id integer PRIMARY KEY CHECK (id = 1),
      live bigint NOT NULL,
      published bigint NOT NULL
    )`.execute(db);
  await sql`
    INSERT INTO post_counts (id, live, published)
    SELECT 1, count(*) FILTER (WHERE NOT is_deleted), count(*) FILTER (WHERE NOT is_deleted AND is_published)
    FROM posts`.execute(db);

  await sql`
    CREATE FUNCTION lectern_post_counts_delta() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      d_live bigint := 0;
      d_published bigint := 0;
    BEGIN
      IF TG_OP IN ('INSERT', 'UPDATE') AND NOT NEW.is_deleted THEN
        d_live := d_live + 1;
        IF NEW.is_published THEN d_published := d_published + 1; END IF;
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') AND NOT OLD.is_deleted THEN
        d_live := d_live - 1;
        IF OLD.is_published THEN d_published := d_published - 1; END IF;
      END IF;
      IF d_live <> 0 OR d_published <> 0 THEN
        PERFORM set_config('lectern.posts_live_delta',
          (coalesce(nullif(current_setting('lectern.posts_live_delta', true), ''), '0')::bigint + d_live)::text,
          true);
        PERFORM set_config('lectern.posts_published_delta',
          (coalesce(nullif(current_setting('lectern.posts_published_delta', true), ''), '0')::bigint
            + d_published)::text,
          true);
      END IF;
      RETURN NULL;
    END
    $$`.execute(db);

  await sql`
    CREATE FUNCTION lectern_post_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      d_live bigint := coalesce(nullif(current_setting('lectern.posts_live_delta', true), ''), '0')::bigint;
      d_published bigint :=
        coalesce(nullif(current_setting('lectern.posts_published_delta', true), ''), '0')::bigint;
    BEGIN
      IF d_live <> 0 OR d_published <> 0 THEN
        UPDATE post_counts SET live = live + d_live, published = published + d_published WHERE id = 1;
        PERFORM set_config('lectern.posts_live_delta', '0', true);
        PERFORM set_config('lectern.posts_published_delta', '0', true);
      END IF;
      RETURN NULL;
    END
    $$`.execute(db);

  await sql`
    CREATE FUNCTION lectern_post_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE post_counts SET live = 0, published = 0 WHERE id = 1;
      PERFORM set_config('lectern.posts_live_delta', '0', true);
      PERFORM set_config('lectern.posts_published_delta', '0', true);
      RETURN NULL;
    END
    $$`.execute(db);

  await sql`
    CREATE TRIGGER posts_counts_delta AFTER INSERT OR UPDATE OF is_deleted, is_published OR DELETE ON posts
    FOR EACH ROW EXECUTE FUNCTION lectern_post_counts_delta()`.execute(db);
  await sql`
    CREATE CONSTRAINT TRIGGER posts_counts_apply AFTER INSERT OR UPDATE OF is_deleted, is_published OR DELETE
    ON posts DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lectern_post_counts_apply()`.execute(
    db,
  );
  await sql`
    CREATE TRIGGER posts_counts_truncate AFTER TRUNCATE ON posts
    FOR EACH STATEMENT EXECUTE FUNCTION lectern_post_counts_truncate()`.execute(db);
}
