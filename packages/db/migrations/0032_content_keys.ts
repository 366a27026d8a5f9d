import { type Kysely, sql } from 'kysely';

/*
 * Content API keys: read-only credentials for site frontends (`lk_…`). Only the SHA-256 of a key is
 * stored (the key is shown once, at creation); `prefix` is its first characters, enough for staff to
 * tell keys apart. A revoked key keeps its row (name, dates) so the list shows what was revoked.
 *
 * `settings.anonymous_read`: the runtime switch that lets anyone read published content without an
 * account or a key (off by default, like the seed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE content_keys (
      id integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
      name varchar(100) NOT NULL,
      prefix varchar(16) NOT NULL,
      key_hash char(64) NOT NULL UNIQUE,
      created_by integer REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX content_keys_created_idx ON content_keys (created_at DESC, id DESC)`.execute(db);
  await sql`ALTER TABLE settings ADD COLUMN anonymous_read boolean NOT NULL DEFAULT false`.execute(db);
}
