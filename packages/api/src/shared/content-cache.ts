import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';

/**
 * A bounded in-process cache of list results (counts and pages), keyed by the content version that
 * the database bumps at the commit of every content write (migration 0020). Each request reads the
 * current version first, so a read that starts after a write is acknowledged — by this process or any
 * other — looks up entries of the new version and recomputes: nothing is ever served stale, and there
 * is no TTL to tune.
 *
 * The version read is one tiny statement, shared by the requests that arrive in the same turn of the
 * event loop: they all joined before it was sent, so it still starts after each of them arrived, which
 * is all that read-after-write needs. Concurrent misses on one key share one load.
 *
 * An entry computed while a write commits may already include that write while being filed under the
 * version before it; readers of that older version started before the write was acknowledged, so
 * newer content is the most they can get. Once a newer version is seen every older entry is dropped.
 */
export class ContentCache {
  readonly #db: Kysely<Database>;
  readonly #maxEntries: number;
  /** Least recently used first (Map keeps insertion order; a hit moves its entry to the end). */
  readonly #entries = new Map<string, Promise<unknown>>();
  #latest = 0;
  #pendingRead: Promise<number> | undefined;

  /** `maxEntries` 0 turns caching off: every call loads. */
  constructor(db: Kysely<Database>, maxEntries: number) {
    this.#db = db;
    this.#maxEntries = maxEntries;
  }

  get enabled(): boolean {
    return this.#maxEntries > 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The committed content version, read by a statement sent after this call. */
  version(): Promise<number> {
    if (this.#pendingRead) return this.#pendingRead;
    const read = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      // From here on, callers need a statement sent after their arrival: start a new batch.
      this.#pendingRead = undefined;
      const row = await this.#db
        .selectFrom('content_version')
        .select('version')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      return row.version;
    });
    this.#pendingRead = read;
    return read;
  }

  /**
   * The result of `load` for `key` at the current content version: from the cache, or loaded (once
   * for all concurrent callers) and kept. `key` must name everything the result depends on besides
   * the content: the query's parameters and who is asking, when visibility depends on it.
   */
  async through<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.#maxEntries === 0) return load();
    const version = await this.version();
    if (version > this.#latest) {
      this.#latest = version;
      this.#entries.clear();
    }
    const entryKey = `${version}\u0000${key}`;
    const hit = this.#entries.get(entryKey) as Promise<T> | undefined;
    if (hit) {
      this.#entries.delete(entryKey);
      this.#entries.set(entryKey, hit);
      return hit;
    }
    const loading = load();
    this.#entries.set(entryKey, loading);
    loading.catch(() => {
      if (this.#entries.get(entryKey) === loading) this.#entries.delete(entryKey);
    });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return loading;
  }
}
