/**
 * How long the primary waits before replacing a worker that died. A worker that keeps dying soon
 * after its start (a bad configuration, a database that refuses it) is restarted after 0.5 s, 1 s,
 * 2 s … up to `maxMs`, instead of being forked in a tight loop; once a worker has lived `stableMs`
 * before dying, the next restart is quick again.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, stableMs: 30_000 };

export class RestartBackoff {
  #crashes = 0;

  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {}

  /** The delay before replacing a worker that lived `livedMs`, and how many quick deaths in a row that makes. */
  next(livedMs: number): { delayMs: number; crashes: number } {
    if (livedMs >= this.opts.stableMs) this.#crashes = 0;
    const delayMs = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** this.#crashes);
    this.#crashes++;
    return { delayMs, crashes: this.#crashes };
  }
}
