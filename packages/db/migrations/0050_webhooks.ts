import { type Kysely, sql } from 'kysely';

/*
 * Webhooks (packages/api/src/webhooks): endpoints a superuser registers, and the durable delivery queue.
 *
 * `webhooks.secret` is the HMAC key deliveries are signed with: it must be usable to sign, so it is
 * stored as generated (it is shown once, at creation or rotation, and never returned by any read).
 *
 * `webhook_deliveries`: one row per event per subscribed endpoint, inserted by the statement that
 * records the event (packages/api/src/shared/events.ts), so it commits or rolls back with the change.
 * The row carries everything its body is built from (the event may be trimmed from the event log
 * later). `next_attempt_at` is when a pending row is due, and while a worker holds a row
 * (`delivering`) the end of its lease: a row whose holder died is due again once the lease is over.
 * `subject` (`post:<slug>`, `category:<slug>`, `file:<id>`) orders deliveries: a row waits while an
 * older row of the same endpoint and subject is unfinished.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhooks (
      id integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
      url varchar(2048) NOT NULL,
      description varchar(255) NOT NULL DEFAULT '',
      events varchar(32)[] NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      secret varchar(128) NOT NULL,
      created_by integer REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX webhooks_created_idx ON webhooks (created_at DESC, id DESC)`.execute(db);
  await sql`
    CREATE TABLE webhook_deliveries (
      id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
      webhook_id integer NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
      event_id bigint,
      event_type varchar(32) NOT NULL,
      subject varchar(300) NOT NULL,
      author_id integer,
      is_public boolean NOT NULL,
      occurred_at timestamptz NOT NULL,
      status varchar(16) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_attempt_at timestamptz,
      response_status integer,
      duration_ms integer,
      error varchar(500),
      redelivery_of bigint,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // The worker's probe and claim: only unfinished rows, by due time.
  await sql`
    CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id)
    WHERE status IN ('pending', 'delivering')`.execute(db);
  // The order check: an older unfinished row of the same endpoint and subject.
  await sql`
    CREATE INDEX webhook_deliveries_subject_idx ON webhook_deliveries (webhook_id, subject, id)
    WHERE status IN ('pending', 'delivering')`.execute(db);
  // The delivery log of an endpoint, newest first.
  await sql`CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, id DESC)`.execute(db);
}
