import type { AppRouter } from '@lectern/api';
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  type TRPCClient,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import superjson from 'superjson';
import { type ContentHelpers, createContentHelpers, sendMultipart, type UploadOptions } from './content.ts';
import { isTokenInvalid, LecternError } from './errors.ts';
import { MemoryTokenStorage, type TokenStorage, type Tokens } from './tokens.ts';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
/** The full profile, as `users.me`, `users.update` and `uploadProfilePicture` return it. */
export type UserProfile = RouterOutputs['users']['update'];
export type LoginResult = RouterOutputs['users']['login'];

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
   * Exchanges the refresh token now. Concurrent callers share one request. False when there is no
   * refresh token or the server refused it (the tokens are then forgotten).
   */
  refresh(): Promise<boolean>;
  readonly storage: TokenStorage;
}

export type LecternClient = LecternTrpcClient & {
  auth: LecternAuth;
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

/** Token state shared by the link, the auth helpers and the upload helper. */
class Session {
  #refreshing: Promise<boolean> | undefined;

  constructor(
    readonly storage: TokenStorage,
    private readonly exchange: (refresh: string) => Promise<{ access: string; refresh?: string | undefined }>,
  ) {}

  async access(): Promise<string | undefined> {
    return (await this.storage.get())?.access;
  }

  /**
   * The access token to send. A storage may keep only the refresh token across restarts (returning
   * `access: ''`, e.g. an access token held in memory): the first call then refreshes before it goes.
   */
  async accessForCall(mayRefresh: boolean): Promise<string | undefined> {
    const tokens = await this.storage.get();
    if (tokens && !tokens.access && tokens.refresh && mayRefresh && (await this.refresh()))
      return this.access();
    return tokens?.access || undefined;
  }

  /**
   * Refreshes once for everyone: a caller whose request failed with `usedAccess` skips the exchange if
   * the tokens have changed since (another caller already refreshed).
   */
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

/** On 401 TOKEN_INVALID: refresh (single flight), then retry the operation once. */
function refreshLink(session: Session): TRPCLink<AppRouter> {
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
              session.refresh(usedAccess).then(
                async (ok) => {
                  if (!ok || stopped) observer.error(error);
                  else attempt(true, await session.access());
                },
                () => observer.error(error),
              );
            },
          });
        };
        session.accessForCall(!NO_RETRY.has(op.path)).then(
          (access) => attempt(false, access),
          (error: unknown) => observer.error(TRPCClientError.from(error as Error)),
        );
        return () => {
          stopped = true;
          subscription?.unsubscribe();
        };
      });
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
 * plus `auth` (login/logout, token storage, refresh on 401 shared by concurrent calls, one retry) and
 * `uploadProfilePicture`.
 */
export function createLecternClient(options: LecternClientOptions): LecternClient {
  const base = options.url.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const extraHeaders = async () => (options.headers ? options.headers() : {});

  // Refreshing goes through its own link chain, so it never waits on itself.
  const plain = createTRPCClient<AppRouter>({
    links: [
      httpLink({ url: `${base}/trpc`, transformer: superjson, fetch: fetchImpl, headers: extraHeaders }),
    ],
  });
  const session = new Session(options.storage ?? new MemoryTokenStorage(), (refresh) =>
    plain.users.refreshToken.mutate({ refresh }),
  );

  const client = createTRPCClient<AppRouter>({
    links: [
      refreshLink(session),
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
  });

  const auth: LecternAuth = {
    storage: session.storage,
    async login(email, password) {
      try {
        const result = await client.users.login.mutate({ email, password });
        await session.storage.set({ access: result.access, refresh: result.refresh });
        return result;
      } catch (error) {
        throw LecternError.from(error);
      }
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
    async tokens() {
      return session.storage.get();
    },
    async setTokens(tokens) {
      await session.storage.set(tokens);
    },
    refresh: () => session.refresh(),
  };

  async function uploadProfilePicture(
    slug: string,
    file: Blob,
    filename?: string,
    options?: UploadOptions,
  ): Promise<UserProfile> {
    const name =
      filename ?? (typeof File !== 'undefined' && file instanceof File ? file.name : 'profile-picture');
    const send = async (access: string | undefined) => {
      const form = new FormData();
      form.append('profile_pic', file, name);
      const headers = {
        ...(await extraHeaders()),
        ...(access ? { authorization: `Bearer ${access}` } : {}),
      };
      const url = `${base}/api/users/${encodeURIComponent(slug)}/`;
      return sendMultipart(fetchImpl, { method: 'PATCH', url, headers, body: form }, options);
    };
    let access = await session.accessForCall(true);
    let answer = await send(access);
    if (answer.status === 401 && (answer.body as { code?: unknown } | null)?.code === 'TOKEN_INVALID') {
      if (await session.refresh(access)) {
        access = await session.access();
        answer = await send(access);
      }
    }
    const { status, body, retryAfter } = answer;
    if (status < 200 || status >= 300 || body === null || typeof body !== 'object') {
      throw LecternError.fromRest(status, body, retryAfter);
    }
    return reviveProfile(body as Record<string, unknown>);
  }

  const content = createContentHelpers({
    baseUrl: base,
    fetch: fetchImpl,
    getAccessToken: () => session.accessForCall(true),
    refresh: (usedAccess) => session.refresh(usedAccess),
    headers: extraHeaders,
  });
  const extras: Record<string, unknown> = { auth, uploadProfilePicture, ...content };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && Object.hasOwn(extras, prop)) return extras[prop];
      return Reflect.get(target, prop, receiver);
    },
  }) as LecternClient;
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
export { MemoryTokenStorage, type TokenStorage, type Tokens } from './tokens.ts';
export type { AppRouter };
export { TRPCClientError };
