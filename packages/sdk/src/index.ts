import type { AppRouter } from '@lectern/api';
import {
  createTRPCClientProxy,
  httpBatchLink,
  httpLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
  type TRPCLink,
  type TRPCRequestOptions,
  TRPCUntypedClient,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import superjson from 'superjson';
import {
  type ContentHelpers,
  type ContentTransport,
  createContentHelpers,
  sendForm,
  type UploadOptions,
} from './content.ts';
import { isTokenInvalid, LecternError } from './errors.ts';
import { createEventHelpers, type EventHelpers, subscriptionLinks } from './events.ts';
import { MemoryTokenStorage, type TokenStorage, type Tokens } from './tokens.ts';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
/** The full profile, as `users.me`, `users.update` and `uploadProfilePicture` return it. */
export type UserProfile = RouterOutputs['users']['update'];
export type LoginResult = RouterOutputs['users']['login'];
/** One revision of a post, with its body (`posts.revisions.get`). */
export type PostRevision = RouterOutputs['posts']['revisions']['get'];
/** A resized copy of a thumbnail or profile picture (`variants` on posts and profiles). */
export type ImageVariant = RouterOutputs['posts']['get']['variants'][number];
/** A content key as staff see it (`contentKeys.get`); `CreatedContentKey` adds the key itself, shown once. */
export type ContentKey = RouterOutputs['contentKeys']['get'];
export type CreatedContentKey = RouterOutputs['contentKeys']['create'];
/** A webhook endpoint as superusers see it; `WebhookWithSecret` adds the secret, shown once. */
export type Webhook = RouterOutputs['webhooks']['get'];
export type WebhookWithSecret = RouterOutputs['webhooks']['create'];
/** One entry of an endpoint's delivery log. */
export type WebhookDelivery = RouterOutputs['webhooks']['getDelivery'];

export interface LecternClientOptions {
  /** The server's base URL, e.g. http://localhost:8000 (the tRPC door is at /trpc, REST at /api). */
  url: string;
  /** Where tokens are kept (in memory by default). */
  storage?: TokenStorage;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
}

export type LecternTrpcClient = TRPCClient<AppRouter>;

export interface LecternAuth {
  /** Logs in and stores the tokens; later calls send the access token. Throws LecternError. */
  login(email: string, password: string): Promise<LoginResult>;
  /** Revokes the refresh token on the server (best effort) and forgets the tokens. */
  logout(): Promise<void>;
  /** The stored tokens, if any. */
  tokens(): Promise<Tokens | null>;
  /** Stores tokens obtained elsewhere. */
  setTokens(tokens: Tokens): Promise<void>;
  /**
   * The access token to send now, if any. A storage may keep only the refresh token across restarts
   * (`access: ''`, the access token held in memory): unless `refreshIfMissing` is false, a missing
   * access token is then fetched with the refresh token first.
   */
  accessToken(refreshIfMissing?: boolean): Promise<string | undefined>;
  /**
   * Exchanges the refresh token now; concurrent callers share one request. Given the access token a
   * failed call used, it does nothing when the tokens changed since (another call already refreshed).
   * False when there is no refresh token or the server refused it (the tokens are then forgotten).
   */
  refresh(usedAccess?: string): Promise<boolean>;
  readonly storage: TokenStorage;
}

export type LecternClient = LecternTrpcClient & {
  auth: LecternAuth;
  /** Live content events (`events.onEvent`), beside the raw `events.subscribe` subscription. */
  events: EventHelpers;
  /**
   * The client's links (token refresh, then batched HTTP with the access token): give them to
   * `createTRPCClient` when a tRPC integration needs its own client, e.g. `@trpc/tanstack-react-query`,
   * and it shares this client's tokens and refresh.
   */
  links: TRPCLink<AppRouter>[];
  /**
   * Sets the user's profile picture through the multipart route (PATCH /api/users/{slug}/), returning
   * the same profile type as `users.update`. Throws LecternError (413 too large, 415 not an image, …).
   */
  uploadProfilePicture(
    slug: string,
    file: Blob,
    filename?: string,
    options?: UploadOptions,
  ): Promise<UserProfile>;
} & ContentHelpers;

/** Token state shared by the links, the auth helpers and the upload helpers. */
class Session {
  #refreshing: Promise<boolean> | undefined;

  constructor(
    readonly storage: TokenStorage,
    private readonly exchange: (refresh: string) => Promise<{ access: string; refresh?: string | undefined }>,
  ) {}

  async access(): Promise<string | undefined> {
    return (await this.storage.get())?.access || undefined;
  }

  /** The access token for a call: with only a refresh token stored, refreshed first (when allowed). */
  async accessForCall(refreshIfMissing: boolean): Promise<string | undefined> {
    const tokens = await this.storage.get();
    if (tokens && !tokens.access && tokens.refresh && refreshIfMissing && (await this.refresh())) {
      return this.access();
    }
    return tokens?.access || undefined;
  }

  refresh(usedAccess?: string): Promise<boolean> {
    this.#refreshing ??= this.#refresh(usedAccess).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(usedAccess: string | undefined): Promise<boolean> {
    const current = await this.storage.get();
    if (!current) return false;
    if (usedAccess !== undefined && current.access !== usedAccess) return true;
    try {
      const next = await this.exchange(current.refresh);
      await this.storage.set({ access: next.access, refresh: next.refresh ?? current.refresh });
      return true;
    } catch (error) {
      if (isTokenInvalid(error)) await this.storage.clear();
      return false;
    }
  }
}

/** Paths that must not trigger a refresh-and-retry of their own. */
const NO_RETRY = new Set(['users.login', 'users.refreshToken', 'users.logout']);

/**
 * A tRPC link that, when a call fails with 401 `TOKEN_INVALID`, refreshes the tokens through `auth`
 * (one refresh shared by concurrent calls) and sends the call once more. Put it before the terminating
 * link, whose headers must read `auth.accessToken()` for each attempt.
 */
export function refreshLink(auth: Pick<LecternAuth, 'accessToken' | 'refresh'>): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription: Unsubscribable | undefined;
        let stopped = false;
        const attempt = (retried: boolean, usedAccess: string | undefined) => {
          subscription = next(op).subscribe({
            next: (value) => observer.next(value),
            complete: () => observer.complete(),
            error: (error) => {
              if (retried || stopped || NO_RETRY.has(op.path) || !isTokenInvalid(error)) {
                observer.error(error);
                return;
              }
              auth.refresh(usedAccess).then(
                async (ok) => {
                  if (!ok || stopped) observer.error(error);
                  else attempt(true, await auth.accessToken());
                },
                () => observer.error(error),
              );
            },
          });
        };
        auth.accessToken(!NO_RETRY.has(op.path)).then(
          (access) => attempt(false, access),
          (error: unknown) => observer.error(TRPCClientError.from(error as Error)),
        );
        return () => {
          stopped = true;
          subscription?.unsubscribe();
        };
      });
}

/**
 * The untyped client behind the typed one, with every failure turned into a LecternError (the
 * TRPCClientError kept as its `cause`), so procedure calls fail like the helpers do.
 */
class LecternUntypedClient extends TRPCUntypedClient<AppRouter> {
  override async query(path: string, input?: unknown, opts?: TRPCRequestOptions): Promise<unknown> {
    try {
      return await super.query(path, input, opts);
    } catch (error) {
      throw LecternError.from(error);
    }
  }

  override async mutation(path: string, input?: unknown, opts?: TRPCRequestOptions): Promise<unknown> {
    try {
      return await super.mutation(path, input, opts);
    } catch (error) {
      throw LecternError.from(error);
    }
  }
}

/** Revives the Date fields of a profile that arrived as JSON (REST sends ISO strings). */
function reviveProfile(body: Record<string, unknown>): UserProfile {
  return {
    ...body,
    date_joined: new Date(String(body.date_joined)),
    updated_at: new Date(String(body.updated_at)),
  } as UserProfile;
}

/**
 * A typed client for Lectern: every procedure's input and output inferred from the server's router,
 * plus `auth` (login/logout, token storage, refresh on 401 shared by concurrent calls, one retry),
 * `links` for other tRPC integrations, and upload helpers. Every failure is a LecternError.
 */
export function createLecternClient(options: LecternClientOptions): LecternClient {
  const base = options.url.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const extraHeaders = async () => (options.headers ? options.headers() : {});

  // Refreshing goes through its own link chain, so it never waits on itself.
  const plain = createTRPCClientProxy<AppRouter>(
    new LecternUntypedClient({
      links: [
        httpLink({ url: `${base}/trpc`, transformer: superjson, fetch: fetchImpl, headers: extraHeaders }),
      ],
    }),
  );
  const session = new Session(options.storage ?? new MemoryTokenStorage(), (refresh) =>
    plain.users.refreshToken.mutate({ refresh }),
  );

  const auth: LecternAuth = {
    storage: session.storage,
    async login(email, password) {
      const result = await client.users.login.mutate({ email, password });
      await session.storage.set({ access: result.access, refresh: result.refresh });
      return result;
    },
    async logout() {
      const tokens = await session.storage.get();
      try {
        if (tokens) await client.users.logout.mutate({ refresh: tokens.refresh });
      } catch {
        // Already invalid on the server: forgetting the tokens is all that is left to do.
      } finally {
        await session.storage.clear();
      }
    },
    tokens: async () => session.storage.get(),
    setTokens: async (tokens) => session.storage.set(tokens),
    accessToken: (refreshIfMissing = true) => session.accessForCall(refreshIfMissing),
    refresh: (usedAccess) => session.refresh(usedAccess),
  };

  const links: TRPCLink<AppRouter>[] = [
    splitLink({
      // Subscriptions (live events) go over SSE, with the same tokens.
      condition: (op) => op.type === 'subscription',
      true: subscriptionLinks({
        url: `${base}/trpc`,
        fetch: fetchImpl,
        headers: extraHeaders,
        auth: {
          credential: () => session.accessForCall(true),
          renew: (used) => session.refresh(used),
        },
      }),
      false: [
        refreshLink(auth),
        httpBatchLink({
          url: `${base}/trpc`,
          transformer: superjson,
          fetch: fetchImpl,
          headers: async () => {
            const access = await session.access();
            return { ...(await extraHeaders()), ...(access ? { authorization: `Bearer ${access}` } : {}) };
          },
        }),
      ],
    }),
  ];
  const client = createTRPCClientProxy<AppRouter>(new LecternUntypedClient({ links }));

  const transport: ContentTransport = {
    baseUrl: base,
    fetch: fetchImpl,
    getAccessToken: () => session.accessForCall(true),
    refresh: (usedAccess) => session.refresh(usedAccess),
    headers: extraHeaders,
  };

  async function uploadProfilePicture(
    slug: string,
    file: Blob,
    filename?: string,
    options?: UploadOptions,
  ): Promise<UserProfile> {
    const path = `/api/users/${encodeURIComponent(slug)}/`;
    const form = () => {
      const data = new FormData();
      data.append('profile_pic', file, filename ?? nameOf(file, 'profile-picture'));
      return data;
    };
    const body = await sendForm(transport, 'PATCH', path, form, options);
    return reviveProfile(body);
  }

  const extras: Record<string, unknown> = {
    auth,
    links,
    events: { subscribe: client.events.subscribe, ...createEventHelpers(client.events.subscribe) },
    uploadProfilePicture,
    ...createContentHelpers(transport),
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && Object.hasOwn(extras, prop)) return extras[prop];
      return Reflect.get(target, prop, receiver);
    },
  }) as LecternClient;
}

export interface ContentClientOptions {
  /** The server's base URL, e.g. https://cms.example.com. */
  url: string;
  /**
   * A content key (`lk_…`) made by staff (`contentKeys.create`). Leave it out only while the server's
   * anonymous reading (`anonymous_read`) is on.
   */
  key?: string;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
}

/** The reads a content key may make: published posts, categories and files, nothing else. */
export interface LecternContentClient {
  posts: Pick<LecternTrpcClient['posts'], 'list' | 'get'>;
  categories: Pick<LecternTrpcClient['categories'], 'list' | 'get'>;
  files: Pick<LecternTrpcClient['files'], 'list' | 'get'>;
  /** Live events about published content (`events.onEvent`). */
  events: EventHelpers;
}

/**
 * A read-only client for a site frontend: it sends the content key with every call and its type offers
 * only the reads a key may make (published posts — drafts are never listed —, categories and files).
 * No login, no token refresh. Every failure is a LecternError (401 `TOKEN_INVALID` once the key is
 * revoked).
 */
export function createContentClient(options: ContentClientOptions): LecternContentClient {
  const { key } = options;
  if (key !== undefined && !key.startsWith('lk_')) {
    throw new TypeError(
      'createContentClient takes a content key (lk_…); a signed-in user uses createLecternClient.',
    );
  }
  const base = options.url.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const extraHeaders = async () => (options.headers ? options.headers() : {});
  const client = createTRPCClientProxy<AppRouter>(
    new LecternUntypedClient({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: subscriptionLinks({
            url: `${base}/trpc`,
            fetch: fetchImpl,
            headers: extraHeaders,
            auth: { credential: async () => key },
          }),
          false: httpBatchLink({
            url: `${base}/trpc`,
            transformer: superjson,
            fetch: fetchImpl,
            headers: async () => ({
              ...(await extraHeaders()),
              ...(key ? { authorization: `Bearer ${key}` } : {}),
            }),
          }),
        }),
      ],
    }),
  );
  return {
    posts: { list: client.posts.list, get: client.posts.get },
    categories: { list: client.categories.list, get: client.categories.get },
    files: { list: client.files.list, get: client.files.get },
    events: createEventHelpers(client.events.subscribe),
  };
}

function nameOf(file: Blob, fallback: string): string {
  return typeof File !== 'undefined' && file instanceof File && file.name ? file.name : fallback;
}

export {
  type ContentHelpers,
  type ContentTransport,
  createContentHelpers,
  type GalleryFile,
  type Post,
  type PostCreateInput,
  type UploadOptions,
} from './content.ts';
export { type FieldErrors, isTokenInvalid, LecternError } from './errors.ts';
export type { ContentEvent, EventHelpers, EventSubscription, EventSubscriptionOptions } from './events.ts';
export { MemoryTokenStorage, type TokenStorage, type Tokens } from './tokens.ts';
export type { AppRouter };
export { TRPCClientError };
