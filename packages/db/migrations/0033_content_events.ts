import { type Kysely, sql } from 'kysely';

/*
 * The content event log: one row per committed change to a post, a category or a gallery file,
 * written in the transaction of the change (so an event exists exactly when its change committed).
 * Live subscriptions, reconnecting clients (`Last-Event-ID`) and webhook deliveries read from it.
 *
 * `author_id` and `is_public` say who may see the event: an event about a post that was never
 * public on either side of the change (a draft edited, a draft trashed) reaches its author and staff
 * only; categories and files are public content.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE content_events (
      id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
      type varchar(32) NOT NULL,
      slug varchar(255) NOT NULL,
      author_id integer,
      is_public boolean NOT NULL,
      at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`.execute(db);
  await sql`CREATE INDEX content_events_at_idx ON content_events (at)`.execute(db);
}
