import { type Kysely, sql } from 'kysely';

/*
 * A content version: one counter, bumped by every committed write to what the content lists show
 * (posts, their categories, categories, files, and the author fields of users). Server processes key
 * their caches on it, so a read that starts after a write is acknowledged never sees older content,
 * whichever process took the write.
 *
 * The bump is a deferred constraint trigger: it runs at commit time, after the transaction has taken
 * every other lock it needs, so the counter row is always the last lock taken and cannot be part of a
 * deadlock cycle. A transaction-local flag makes it one UPDATE per transaction, however many rows the
 * transaction wrote. TRUNCATE (no row triggers) bumps immediately.
 */
const TABLES: Array<{ table: string; events: string }> = [
  { table: 'posts', events: 'INSERT OR UPDATE OR DELETE' },
  { table: 'post_categories', events: 'INSERT OR UPDATE OR DELETE' },
  { table: 'categories', events: 'INSERT OR UPDATE OR DELETE' },
  { table: 'files', events: 'INSERT OR UPDATE OR DELETE' },
  // Posts show their author's username and slug (and the file gallery its uploader's).
  { table: 'users', events: 'UPDATE OF username, slug OR DELETE' },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE content_version (
      id integer PRIMARY KEY CHECK (id = 1),
      version bigint NOT NULL
    )`.execute(db);
  await sql`INSERT INTO content_version (id, version) VALUES (1, 1)`.execute(db);

  await sql`
    CREATE FUNCTION lectern_bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'TRUNCATE' AND current_setting('lectern.content_bumped', true) = 'on' THEN
        RETURN NULL;
      END IF;
      UPDATE content_version SET version = version + 1 WHERE id = 1;
      IF TG_OP <> 'TRUNCATE' THEN
        PERFORM set_config('lectern.content_bumped', 'on', true);
      END IF;
      RETURN NULL;
    END
    $$`.execute(db);

  for (const { table, events } of TABLES) {
    await sql
      .raw(
        `CREATE CONSTRAINT TRIGGER ${table}_content_version AFTER ${events} ON ${table} ` +
          'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION lectern_bump_content_version()',
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER ${table}_content_version_truncate AFTER TRUNCATE ON ${table} ` +
          'FOR EACH STATEMENT EXECUTE FUNCTION lectern_bump_content_version()',
      )
      .execute(db);
  }
}
