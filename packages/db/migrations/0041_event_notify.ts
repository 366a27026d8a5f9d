import { type Kysely, sql } from 'kysely';

/*
 * Live content events (packages/api/src/events): every transaction that records events announces
 * them on the `lectern_events` channel, delivered by PostgreSQL at commit (never for a rollback), so
 * every server process's event hub reads the new rows at once.
 *
 * Readers follow the log by id (`WHERE id > last seen`), which is only safe when ids become visible in
 * order. Two transactions could otherwise take ids 10 and 11 and commit 11 first: a reader would see
 * 11, move past 10 and never deliver it. So a transaction takes a transaction-scoped advisory lock
 * before its first event row gets its id (a BEFORE statement trigger fires before the rows are formed)
 * and keeps it until it commits: event ids are handed out, and committed, one transaction at a time.
 * Events are recorded at the end of the content transactions, so the lock is held briefly.
 *
 * One NOTIFY per transaction: PostgreSQL folds identical notifications of one transaction into one.
 */
/** The advisory lock key that orders event ids (an arbitrary constant). */
const EVENTS_LOCK_KEY = 7_440_192_331;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    CREATE FUNCTION lectern_events_order() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(${EVENTS_LOCK_KEY});
      RETURN NULL;
    END
    $$`)
    .execute(db);
  await sql
    .raw(`
    CREATE FUNCTION lectern_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('lectern_events', '');
      RETURN NULL;
    END
    $$`)
    .execute(db);
  await sql`
    CREATE TRIGGER content_events_order BEFORE INSERT ON content_events
    FOR EACH STATEMENT EXECUTE FUNCTION lectern_events_order()`.execute(db);
  await sql`
    CREATE TRIGGER content_events_notify AFTER INSERT ON content_events
    FOR EACH STATEMENT EXECUTE FUNCTION lectern_events_notify()`.execute(db);
}
