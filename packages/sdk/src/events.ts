import type { AppRouter } from '@lectern/api';
import { httpSubscriptionLink, TRPCClientError, type TRPCLink } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { EventSource, type FetchLike } from 'eventsource';
import superjson from 'superjson';
import { isTokenInvalid, LecternError } from './errors.ts';

type Tracked =
  inferRouterOutputs<AppRouter>['events']['subscribe'] extends AsyncIterable<infer T> ? T : never;
/** One committed content change: `{id, type, slug, at}` (`slug` is a file's id for file events). */
export type ContentEvent = Tracked extends { data: infer E } ? E : never;

export interface EventSubscriptionOptions {
  /** Resume after this event id (the `id` of the last event you handled): missed events come first. */
  lastEventId?: number;
  /**
   * The stream failed for good: `EVENTS_EXPIRED` (the resume point is older than the server keeps:
   * reload your content and subscribe again without `lastEventId`), `NOT_AUTHENTICATED`,
   * `PERMISSION_DENIED`, or a refused token refresh. Interruptions (a restart, a network drop, an
   * expired access token) are not errors: the SDK reconnects and resumes by itself.
   */
  onError?: (error: LecternError) => void;
  /** The stream is open (again): `connecting` while it reconnects. */
  onStateChange?: (state: 'connecting' | 'open') => void;
}

export interface EventSubscription {
  /** The id of the last event received, to resume from after a restart of your process. */
  readonly lastEventId: number | undefined;
  unsubscribe(): void;
}

export interface EventHelpers {
  /**
   * Calls `handler` with every content event you may see, within a second of its commit: public
   * changes, your own drafts' changes, all changes for staff. See EventSubscriptionOptions.
   */
  onEvent(handler: (event: ContentEvent) => void, options?: EventSubscriptionOptions): EventSubscription;
}

export interface SubscriptionAuth {
  /** The bearer credential to send when (re)connecting, if any. */
  credential(): Promise<string | undefined>;
  /** Renews the credential after TOKEN_INVALID; false when it cannot be renewed. */
  renew?(used: string | undefined): Promise<boolean>;
}

/**
 * The subscription half of the SDK's links: tRPC's `httpSubscriptionLink` (SSE) on the `eventsource`
 * package, whose fetch sends the current credential on every (re)connect — the browser's EventSource
 * cannot send headers, and Node 20 has none. Before it, a link that renews an expired access token
 * and resubscribes after the last event received, as often as the stream outlives a token.
 */
export function subscriptionLinks(opts: {
  url: string;
  fetch: typeof fetch;
  headers: () => Promise<Record<string, string>>;
  auth: SubscriptionAuth;
}): TRPCLink<AppRouter>[] {
  const fetchWithCredential: FetchLike = async (url, init) => {
    const credential = await opts.auth.credential();
    return opts.fetch(url, {
      ...init,
      headers: {
        ...init.headers,
        ...(await opts.headers()),
        ...(credential ? { authorization: `Bearer ${credential}` } : {}),
      },
    });
  };
  return [
    renewingLink(opts.auth),
    httpSubscriptionLink({
      url: opts.url,
      transformer: superjson,
      EventSource,
      eventSourceOptions: () => ({ fetch: fetchWithCredential }),
    }),
  ];
}

function renewingLink(auth: SubscriptionAuth): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let lastId: string | undefined;
        let subscription: Unsubscribable | undefined;
        let stopped = false;
        // Renewals since the stream last opened: a credential refused right after renewal is final.
        let renewals = 0;
        const attempt = (used: string | undefined) => {
          const input =
            lastId === undefined
              ? op.input
              : { ...((op.input as object | undefined) ?? {}), lastEventId: lastId };
          subscription = next({ ...op, input }).subscribe({
            next: (value) => {
              const result = value.result as { id?: unknown; type?: unknown };
              if (typeof result.id === 'string') lastId = result.id;
              if (result.type === 'started') renewals = 0;
              observer.next(value);
            },
            complete: () => observer.complete(),
            error: (error) => {
              if (stopped || !auth.renew || !isTokenInvalid(error) || renewals > 0) {
                observer.error(error);
                return;
              }
              renewals++;
              auth.renew(used).then(
                async (ok) => {
                  if (!ok || stopped) observer.error(error);
                  else attempt(await auth.credential());
                },
                () => observer.error(error),
              );
            },
          });
        };
        auth
          .credential()
          .then(attempt, (error: unknown) => observer.error(TRPCClientError.from(error as Error)));
        return () => {
          stopped = true;
          subscription?.unsubscribe();
        };
      });
}

interface SubscribeFn {
  subscribe(
    input: { lastEventId?: string },
    opts: {
      onData: (value: Tracked) => void;
      onError: (error: unknown) => void;
      onStarted?: () => void;
      onConnectionStateChange?: (state: { state: string }) => void;
    },
  ): Unsubscribable;
}

/** `onEvent` over a client's `events.subscribe`. */
export function createEventHelpers(subscribe: SubscribeFn): EventHelpers {
  return {
    onEvent(handler, options = {}) {
      let lastEventId = options.lastEventId;
      const subscription = subscribe.subscribe(
        lastEventId === undefined ? {} : { lastEventId: String(lastEventId) },
        {
          onData: (tracked) => {
            lastEventId = tracked.data.id;
            handler(tracked.data);
          },
          onError: (error) => options.onError?.(LecternError.from(error)),
          onConnectionStateChange: (state) => {
            if (state.state === 'connecting') options.onStateChange?.('connecting');
            if (state.state === 'pending') options.onStateChange?.('open');
          },
        },
      );
      return {
        get lastEventId() {
          return lastEventId;
        },
        unsubscribe: () => subscription.unsubscribe(),
      };
    },
  };
}
