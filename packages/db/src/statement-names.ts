import { createHash } from 'node:crypto';

/**
 * Names for parameterised statements sent as named prepared statements, with a cap.
 *
 * pg prepares a named statement once per connection and keeps it there until the connection closes
 * (its client remembers the names it has parsed; the server keeps each statement and its cached
 * plan). Names cannot be forgotten one by one: dropping a name from an LRU here would not DEALLOCATE
 * it on the connections that prepared it, so with churn every connection would end up holding every
 * statement text ever seen. Instead the first `max` distinct texts get a name for the life of the
 * process and every later text is sent unnamed (parsed on each execution, exactly as with
 * DB_PREPARED_STATEMENTS=false). So no connection ever holds more than `max` prepared statements.
 * The application's statements come from a fixed set of query builders, so the texts seen first are
 * the ones that repeat; the cap only guards against unbounded variety (IN lists of every length,
 * ad-hoc queries).
 */
export class StatementNames {
  readonly #names = new Map<string, string>();

  constructor(readonly max: number) {}

  /** The name to prepare `text` under, or undefined to send it unnamed (the cap is reached). */
  nameFor(text: string): string | undefined {
    const known = this.#names.get(text);
    if (known !== undefined || this.#names.size >= this.max) return known;
    // Derived from the text, so every process and connection agrees on it.
    const name = `l_${createHash('sha1').update(text).digest('base64url').slice(0, 24)}`;
    this.#names.set(text, name);
    return name;
  }

  get size(): number {
    return this.#names.size;
  }
}
