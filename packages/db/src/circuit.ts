import { DatabaseUnavailableError, isDatabaseUnavailable, isPoolWaitTimeout } from './errors.ts';

export interface CircuitOptions {
  /** While down, one connection attempt is let through this often to find out whether it is back. */
  retryMs: number;
  /** Called when the database is seen to go down (with the error that showed it) and come back. */
  onChange?: ((available: boolean, error?: unknown) => void) | undefined;
}

/**
 * A "the database is down" switch in front of the pool. Once a connection attempt or a query fails
 * with an outage error (errors.ts), requests fail at once with DatabaseUnavailableError instead of
 * each opening a socket and waiting for the connect timeout (which is what an unreachable host
 * costs); one probe goes through every `retryMs`, and the first query that succeeds closes the
 * switch. A pool that is merely saturated (its wait for a free client timed out) does not open it.
 */
export class DatabaseCircuit {
  #downSince: number | null = null;
  #nextProbeAt = 0;

  constructor(private readonly opts: CircuitOptions) {}

  get available(): boolean {
    return this.#downSince === null;
  }

  /** Before a connection is asked for: throws while down, except for the periodic probe. */
  admit(): void {
    if (this.#downSince === null) return;
    const now = Date.now();
    if (now < this.#nextProbeAt) {
      throw new DatabaseUnavailableError(
        'The database is unavailable (the next connection attempt is due shortly).',
      );
    }
    this.#nextProbeAt = now + this.opts.retryMs;
  }

  /** A query completed: the database answers. */
  recordSuccess(): void {
    if (this.#downSince === null) return;
    this.#downSince = null;
    this.opts.onChange?.(true);
  }

  recordFailure(error: unknown): void {
    if (error instanceof DatabaseUnavailableError) return;
    if (!isDatabaseUnavailable(error) || isPoolWaitTimeout(error)) return;
    const now = Date.now();
    this.#nextProbeAt = now + this.opts.retryMs;
    if (this.#downSince !== null) return;
    this.#downSince = now;
    this.opts.onChange?.(false, error);
  }
}
