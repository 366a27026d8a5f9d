import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** The channel migration 0041 notifies at the commit of every transaction that records content events. */
export const EVENTS_CHANNEL = 'lectern_events';

export interface ListenHandlers {
  /** A notification arrived (its payload does not matter: listeners re-read their table). */
  onNotify(): void;
  /**
   * Listening started or started again after a lost connection: notifications sent meanwhile are
   * lost, so whatever they would have announced must be read now.
   */
  onConnected(): void;
  /** The connection failed; it is retried with a growing delay. */
  onError(error: Error): void;
}

/** PostgreSQL `LISTEN` on the database the server uses, whichever driver reaches it. */
export interface NotificationSource {
  /** Listens on `channel` until the returned function is called. */
  listen(channel: string, handlers: ListenHandlers): () => Promise<void>;
}

export interface PgNotificationOptions {
  /** First delay before reconnecting after a failure; doubled each time up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * PostgreSQL: one dedicated connection outside the pool (a pooled connection would lose its LISTEN
 * when handed back), reconnected with back-off after the database goes away.
 */
export function pgNotificationSource(
  databaseUrl: string,
  opts: PgNotificationOptions = {},
): NotificationSource {
  const firstDelay = opts.retryMs ?? 250;
  const maxDelay = opts.maxRetryMs ?? 10_000;
  return {
    listen(channel, handlers) {
      let stopped = false;
      let client: pg.Client | undefined;
      let timer: NodeJS.Timeout | undefined;
      let delay = firstDelay;

      const retry = (error: Error) => {
        if (stopped) return;
        handlers.onError(error);
        const failed = client;
        client = undefined;
        failed?.removeAllListeners('notification');
        void failed?.end().catch(() => {});
        clearTimeout(timer);
        timer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, maxDelay);
      };

      const connect = async () => {
        if (stopped) return;
        // A connection attempt that hangs (a partitioned network) counts as failed after 10 s.
        const next = new pg.Client({
          connectionString: databaseUrl,
          keepAlive: true,
          connectionTimeoutMillis: 10_000,
        });
        client = next;
        // A connection that dies later emits 'error' (and 'end'); both lead to one reconnect.
        let failedOnce = false;
        const fail = (error: Error) => {
          if (failedOnce || client !== next) return;
          failedOnce = true;
          retry(error);
        };
        next.on('error', fail);
        next.on('end', () => fail(new Error('notification connection closed')));
        next.on('notification', (message) => {
          if (message.channel === channel) handlers.onNotify();
        });
        try {
          await next.connect();
          await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        } catch (error) {
          fail(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (stopped || client !== next) return;
        delay = firstDelay;
        handlers.onConnected();
      };

      void connect();
      return async () => {
        stopped = true;
        clearTimeout(timer);
        const last = client;
        client = undefined;
        await last?.end().catch(() => {});
      };
    },
  };
}

/** PGlite: its own in-process notifications (`LISTEN` inside the one embedded database). */
export function pgliteNotificationSource(pglite: PGlite): NotificationSource {
  return {
    listen(channel, handlers) {
      let stopped = false;
      const unsubscribe = pglite
        .listen(channel, () => handlers.onNotify())
        .then(
          (stop) => {
            if (!stopped) handlers.onConnected();
            return stop;
          },
          (error: unknown) => {
            handlers.onError(error instanceof Error ? error : new Error(String(error)));
            return undefined;
          },
        );
      return async () => {
        stopped = true;
        const stop = await unsubscribe;
        // The database may already be closed (the app's onClose runs after the server's).
        await stop?.().catch(() => {});
      };
    },
  };
}
