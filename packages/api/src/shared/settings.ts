import { type Database, isDatabaseUnavailable, type SettingsRow } from '@lectern/db';
import { type Kysely, sql } from 'kysely';

export interface Settings {
  maintenance: boolean;
  allow_registration: boolean;
  /** Anyone may read published posts, categories and files without an account or a content key. */
  anonymous_read: boolean;
}

/**
 * Runtime switches stored in the database (so every server process agrees), read through a short
 * per-process cache: a change made by one process is seen by the others at most `cacheMs` later.
 */
export class SettingsService {
  #cached: { value: Settings; at: number } | undefined;
  #pending: Promise<Settings> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly cacheMs: number,
    private readonly initial: Settings,
  ) {}

  /** Creates the row from the configured initial values if it does not exist yet. */
  async ensure(): Promise<Settings> {
    await this.db
      .insertInto('settings')
      .values({ id: 1, ...this.initial })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return this.refresh();
  }

  async get(): Promise<Settings> {
    const cached = this.#cached;
    if (cached && Date.now() - cached.at < this.cacheMs) return cached.value;
    // Concurrent readers share one query.
    this.#pending ??= this.refresh()
      .catch((error: unknown) => this.#staleDuringOutage(error))
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    await this.ensureRowExists();
    const row = await this.db
      .updateTable('settings')
      .set({ ...patch, updated_at: sql<Date>`now()` })
      .where('id', '=', 1)
      .returningAll()
      .executeTakeFirstOrThrow();
    return this.#store(row);
  }

  private async refresh(): Promise<Settings> {
    const row = await this.db.selectFrom('settings').selectAll().where('id', '=', 1).executeTakeFirst();
    if (!row) return this.ensure();
    return this.#store(row);
  }

  private async ensureRowExists(): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ id: 1, ...this.initial })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /**
   * While the database is unreachable the last value read keeps serving (and is asked for again
   * `cacheMs` later), so the maintenance check does not turn an outage into an error of its own;
   * the request then fails, or not, on its own queries.
   */
  #staleDuringOutage(error: unknown): Settings {
    const cached = this.#cached;
    if (!cached || !isDatabaseUnavailable(error)) throw error;
    this.#cached = { value: cached.value, at: Date.now() };
    return cached.value;
  }

  #store(row: SettingsRow): Settings {
    const value = {
      maintenance: row.maintenance,
      allow_registration: row.allow_registration,
      anonymous_read: row.anonymous_read,
    };
    this.#cached = { value, at: Date.now() };
    return value;
  }
}
