import { type ContentEventRow, type Database, EVENTS_CHANNEL, type NotificationSource } from '@lectern/db';
import { type Kysely, sql } from 'kysely';
import { LecternError } from '../errors.ts';
import { CONTENT_EVENT_TYPES } from './events.ts';

export { CONTENT_EVENT_TYPES };

export type ContentEventKind = (typeof CONTENT_EVENT_TYPES)[number];

/** One committed content change, as subscribers receive it. */
export interface ContentEvent {
  /** Increasing; the resume point (`lastEventId`, `Last-Event-ID`). */
  id: number;
  type: ContentEventKind;
  /** The post's or category's slug; a gallery file's id. */
  slug: string;
  /** When the change committed. */
  at: Date;
}

type EventRow = Pick<ContentEventRow, 'id' | 'type' | 'slug' | 'author_id' | 'is_public' | 'at'>;

/** Events after `afterId`, oldest first, at most `limit`. */
function eventsAfter(db: Kysely<Database>, afterId: number, limit: number): Promise<EventRow[]> {
  return db
    .selectFrom('content_events')
    .select(['id', 'type', 'slug', 'author_id', 'is_public', 'at'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The newest event's id (0 for an empty log). */
async function latestEventId(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    SELECT coalesce(max(id), 0)::int8 AS id FROM content_events`.execute(db);
  return Number(rows[0]?.id ?? 0);
}

/** Whether the log still holds event `id` (a resume point older than the retention is gone). */
async function eventExists(db: Kysely<Database>, id: number): Promise<boolean> {
  const row = await db.selectFrom('content_events').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** Who is listening, as far as visibility goes (shared/events.ts decides per event). */
export type EventViewer =
  | { kind: 'staff' }
  /** A signed-in user: public events and those about their own posts. */
  | { kind: 'user'; id: number }
  /** A content key or an anonymous reader: public events only. */
  | { kind: 'public' };

export const canSee = (viewer: EventViewer, row: Pick<EventRow, 'is_public' | 'author_id'>): boolean =>
  viewer.kind === 'staff' || row.is_public || (viewer.kind === 'user' && row.author_id === viewer.id);

export interface EventHubLog {
  warn(message: string, error?: unknown): void;
}

export interface EventHubOptions {
  db: Kysely<Database>;
  /** LISTEN on the database; without one (command-line tools) the hub polls the log every `pollMs`. */
  notifications?: NotificationSource | undefined;
  /** Live subscribers this process serves at most; one more gets EVENTS_UNAVAILABLE. */
  maxSubscribers: number;
  /**
   * Events one subscriber may have waiting in memory; past that its queue is dropped and it catches
   * up from the log (a slow or stalled reader costs bounded memory and loses nothing).
   */
  maxQueued?: number;
  pollMs?: number;
  log?: EventHubLog;
}

export interface SubscribeOptions {
  /** Resume after this event: the events committed since are replayed from the log first. */
  lastEventId?: number | undefined;
  /** Ends the stream (the client went away). */
  signal?: AbortSignal | undefined;
  /** When the caller's credential expires (ms since the epoch): the stream ends then with TOKEN_INVALID. */
  expiresAt?: number | undefined;
}

interface Subscriber {
  viewer: EventViewer;
  queue: EventRow[];
  /** Its queue overflowed and was dropped: read the log from the cursor before the queue. */
  lagging: boolean;
  /** Why the stream must end (thrown to the consumer), or 'done' for a quiet end (client gone). */
  end: LecternError | 'done' | undefined;
  wake: (() => void) | undefined;
}

const READ_BATCH = 500;
const RETRY_READ_MS = 1_000;

export const eventsUnavailable = (message: string) =>
  new LecternError({ code: 'EVENTS_UNAVAILABLE', message, retryAfter: 1 });

export const eventsExpired = () =>
  new LecternError({
    code: 'EVENTS_EXPIRED',
    message:
      'The events after this id are no longer kept (or the id is unknown): reload the content, then subscribe without a last event id.',
  });

const toEvent = (row: EventRow): ContentEvent => ({ id: row.id, type: row.type, slug: row.slug, at: row.at });

/**
 * One per server process: follows the content event log (migration 0033) and hands each new event to
 * the live subscribers allowed to see it. A notification (migration 0041, sent by PostgreSQL at the
 * commit of every transaction that records events, from any process) makes the hub read the rows
 * after the last one it saw, once for however many notifications arrived meanwhile. After its
 * LISTEN connection comes back from an outage, it reads what it missed the same way.
 *
 * The hub starts listening with its first subscriber; `close()` ends every stream (server shutdown).
 */
export class EventHub {
  readonly #db: Kysely<Database>;
  readonly #opts: EventHubOptions;
  readonly #subscribers = new Set<Subscriber>();
  #last = 0;
  #starting: Promise<void> | undefined;
  #stop: (() => Promise<void>) | undefined;
  /** `#last` is the newest event read (set once listening started). */
  #listening = false;
  #reading: Promise<void> | undefined;
  #readAgain = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: EventHubOptions) {
    this.#db = opts.db;
    this.#opts = opts;
  }

  /** Live subscribers now. */
  get size(): number {
    return this.#subscribers.size;
  }

  /** Subscribers now catching up from the log (their queue overflowed). */
  get lagging(): number {
    return [...this.#subscribers].filter((sub) => sub.lagging).length;
  }

  /**
   * Opens a stream of the events `viewer` may see, as they commit: first those after `lastEventId`
   * still in the log, then live ones, in id order, each once. Refuses at once with EVENTS_UNAVAILABLE
   * (process full or closing) or EVENTS_EXPIRED (`lastEventId` no longer kept), so a door can answer
   * with a status before it starts streaming. The stream ends quietly when `signal` aborts, and with
   * TOKEN_INVALID at `expiresAt`, EVENTS_UNAVAILABLE at `close()`. A reader that falls behind by more
   * than `maxQueued` events reads the log until it has caught up. Iterate it at once: it holds a
   * subscriber slot until it finishes.
   */
  async open(viewer: EventViewer, opts: SubscribeOptions = {}): Promise<AsyncGenerator<ContentEvent, void>> {
    if (this.#closed) throw eventsUnavailable('The server is shutting down; reconnect.');
    if (this.#subscribers.size >= this.#opts.maxSubscribers) {
      throw eventsUnavailable('This server has too many live subscribers; try again shortly.');
    }
    const sub: Subscriber = { viewer, queue: [], lagging: false, end: undefined, wake: undefined };
    // Where a fresh subscriber starts: the last event read before it joined (events after it reach its
    // queue). Before the hub first reads, that is the newest event when listening starts.
    let from = this.#listening ? this.#last : undefined;
    this.#subscribers.add(sub);
    try {
      await this.#start();
      from ??= this.#last;
      const after = opts.lastEventId;
      if (after !== undefined && after > 0 && !(await eventExists(this.#db, after))) throw eventsExpired();
    } catch (error) {
      this.#subscribers.delete(sub);
      throw error;
    }
    return this.#stream(sub, opts, from);
  }

  async *#stream(sub: Subscriber, opts: SubscribeOptions, from: number): AsyncGenerator<ContentEvent, void> {
    const finish = (end: Subscriber['end']) => {
      sub.end ??= end;
      sub.wake?.();
    };
    const onAbort = () => finish('done');
    opts.signal?.addEventListener('abort', onAbort);
    if (opts.signal?.aborted) finish('done');
    const delay = opts.expiresAt === undefined ? undefined : opts.expiresAt - Date.now();
    const expiry =
      delay === undefined
        ? undefined
        : setTimeout(
            () =>
              finish(
                new LecternError({
                  code: 'TOKEN_INVALID',
                  message: 'The access token expired: reconnect with a fresh one (and the last event id).',
                }),
              ),
            Math.max(0, Math.min(delay, 2 ** 31 - 1)),
          );
    expiry?.unref();
    const viewer = sub.viewer;
    try {
      let cursor = opts.lastEventId ?? from;
      // Resuming: what committed after the client's last event comes from the log first.
      if (opts.lastEventId !== undefined) sub.lagging = true;
      for (;;) {
        if (sub.lagging) {
          sub.lagging = false;
          for (;;) {
            const rows = await eventsAfter(this.#db, cursor, READ_BATCH);
            for (const row of rows) {
              if (sub.end !== undefined) break;
              cursor = row.id;
              if (canSee(viewer, row)) yield toEvent(row);
            }
            if (rows.length < READ_BATCH || sub.end !== undefined) break;
          }
        }
        while (sub.end === undefined && !sub.lagging) {
          const row = sub.queue.shift();
          if (!row) break;
          if (row.id <= cursor) continue;
          cursor = row.id;
          if (canSee(viewer, row)) yield toEvent(row);
        }
        if (sub.end === 'done') return;
        if (sub.end) throw sub.end;
        if (sub.lagging) continue;
        await new Promise<void>((resolve) => {
          sub.wake = resolve;
          if (sub.end !== undefined || sub.lagging || sub.queue.length > 0) resolve();
        });
        sub.wake = undefined;
      }
    } finally {
      clearTimeout(expiry);
      opts.signal?.removeEventListener('abort', onAbort);
      this.#subscribers.delete(sub);
    }
  }

  /** Ends every stream with EVENTS_UNAVAILABLE (clients reconnect elsewhere) and stops listening. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    for (const sub of this.#subscribers) {
      sub.end ??= eventsUnavailable('The server is shutting down; reconnect.');
      sub.wake?.();
    }
    const stop = this.#stop;
    this.#stop = undefined;
    await stop?.();
  }

  #start(): Promise<void> {
    this.#starting ??= this.#listen().catch((error: unknown) => {
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  async #listen(): Promise<void> {
    this.#last = await latestEventId(this.#db);
    this.#listening = true;
    if (this.#closed) return;
    const source = this.#opts.notifications;
    if (source) {
      this.#stop = source.listen(EVENTS_CHANNEL, {
        onNotify: () => this.#poke(),
        // Listening (again): whatever committed while it was not is read now.
        onConnected: () => this.#poke(),
        onError: (error) => this.#opts.log?.warn('live events: the notification connection failed', error),
      });
    } else {
      const timer = setInterval(() => this.#poke(), this.#opts.pollMs ?? 1_000);
      timer.unref();
      this.#stop = async () => clearInterval(timer);
    }
  }

  /** Reads the new events once, however many notifications asked for it meanwhile. */
  #poke(): void {
    if (this.#closed) return;
    if (this.#reading) {
      this.#readAgain = true;
      return;
    }
    this.#reading = this.#readNew().finally(() => {
      this.#reading = undefined;
    });
  }

  async #readNew(): Promise<void> {
    do {
      this.#readAgain = false;
      try {
        for (;;) {
          const rows = await eventsAfter(this.#db, this.#last, READ_BATCH);
          for (const row of rows) {
            this.#last = row.id;
            this.#fanOut(row);
          }
          if (rows.length < READ_BATCH) break;
        }
      } catch (error) {
        // The database is away: try again shortly (a lost LISTEN connection also reads on its return).
        this.#opts.log?.warn('live events: reading new events failed', error);
        clearTimeout(this.#retryTimer);
        this.#retryTimer = setTimeout(() => this.#poke(), RETRY_READ_MS);
        this.#retryTimer.unref();
        return;
      }
    } while (this.#readAgain && !this.#closed);
  }

  #fanOut(row: EventRow): void {
    const maxQueued = this.#opts.maxQueued ?? 1_000;
    for (const sub of this.#subscribers) {
      if (sub.end !== undefined || !canSee(sub.viewer, row)) continue;
      if (sub.queue.length >= maxQueued) {
        // This far behind, it reads the log instead (from its cursor, in bounded batches).
        sub.queue = [];
        sub.lagging = true;
      } else {
        sub.queue.push(row);
      }
      sub.wake?.();
    }
  }
}
