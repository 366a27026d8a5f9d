import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { ApiConfig } from './config.ts';
import { fail } from './errors.ts';
import type { ContentCache } from './shared/content-cache.ts';
import type { EventHub } from './shared/event-hub.ts';
import type { MailService } from './shared/mail.ts';
import type { PasswordHasher } from './shared/passwords.ts';
import type { RateLimiter } from './shared/rate-limits.ts';
import type { SettingsService } from './shared/settings.ts';
import type { Storage } from './shared/storage.ts';

/** The signed-in user, as every procedure sees it. */
export interface AuthUser {
  id: number;
  email: string;
  username: string;
  slug: string;
  is_verified: boolean;
  is_staff: boolean;
  is_superuser: boolean;
}

/**
 * A content API key (`lk_…`, packages/api/src/content-keys): it reads published posts, categories and
 * files, and nothing else. It is not a user: procedures that need one refuse it with 403.
 */
export interface ContentKeyPrincipal {
  id: number;
  name: string;
}

/** Long-lived collaborators, built once per server. */
export interface Services {
  settings: SettingsService;
  storage: Storage;
  passwords: PasswordHasher;
  mail: MailService;
  rateLimits: RateLimiter;
  /** List pages and counts keyed by the content version (shared/content-cache.ts). */
  contentCache: ContentCache;
  /** Live content events of this process (shared/event-hub.ts). */
  events: EventHub;
}

/** Facts about the HTTP request that procedures may need, with no HTTP library types. */
export interface RequestInfo {
  ip: string;
  /** `PUBLIC_URL`, or scheme://host of this request: the base of every absolute URL we return. */
  baseUrl: string;
}

export interface Context {
  db: Kysely<Database>;
  config: ApiConfig;
  services: Services;
  request: RequestInfo;
  user: AuthUser | null;
  /** The content key the request presented (never together with a user). */
  contentKey: ContentKeyPrincipal | null;
  /** A bearer token or content key was sent but is not valid (expired, forged, user gone, revoked). */
  tokenRejected: boolean;
  /** When the accepted access token expires (ms since the epoch): long-lived streams end then. */
  credentialExpiresAt?: number;
  /** Per-response overrides the REST door applies (status for dynamic outcomes, extra headers). */
  http: { status?: number; headers: Record<string, string> };
}

/** What outlives a request: the context without the request's own parts. */
export interface ContextDeps {
  db: Kysely<Database>;
  config: ApiConfig;
  services: Services;
}

export type AuthedContext = Context & { user: AuthUser };

/** Staff powers: `is_staff`, or a superuser. */
export const isStaff = (user: Pick<AuthUser, 'is_staff' | 'is_superuser'>): boolean =>
  user.is_staff || user.is_superuser;

/** What a content key gets from anything but reading published content. */
export const contentKeyRefused = () =>
  fail.forbidden('A content key can only read published posts, categories and files.');

/** What `authedProcedure` checks, for code that runs outside a procedure (multipart routes). */
export function requireUser(ctx: Context): AuthedContext {
  if (ctx.tokenRejected) throw fail.tokenInvalid();
  if (!ctx.user) throw ctx.contentKey ? contentKeyRefused() : fail.unauthenticated();
  return { ...ctx, user: ctx.user };
}
