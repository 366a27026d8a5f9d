import type { Database } from '@lectern/db';
import { type Kysely, sql } from 'kysely';

/** One round trip to the database (throws when it is unreachable). */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
