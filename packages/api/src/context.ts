import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { ApiConfig } from './config.ts';
import { findActiveUserById } from './queries/users.ts';
import type { ContentCache } from './services/content-cache.ts';
import type { MailService } from './services/mail.ts';
import type { PasswordHasher } from './services/passwords.ts';
import type { RateLimiter } from './services/rate-limits.ts';
import type { SettingsService } from './services/settings.ts';
import type { Storage } from './services/storage.ts';
import { verifyAccessToken } from './services/tokens.ts';

export interface AuthUser {
  id: number;
  email: string;
  username: string;
  slug: string;
  is_verified: boolean;
  is_staff: boolean;
  is_superuser: boolean;
}

/** Long-lived collaborators, built once per server (later areas add mail, storage, …). */
export interface Services {
  settings: SettingsService;
  storage: Storage;
  passwords: PasswordHasher;
  mail: MailService;
  rateLimits: RateLimiter;
  /** List pages and counts keyed by the content version (services/content-cache.ts). */
  contentCache: ContentCache;
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
  /** A bearer token was sent but is not valid (expired, forged, user gone). */
  tokenRejected: boolean;
  /** Per-response overrides the REST door applies (status for dynamic outcomes, extra headers). */
  http: { status?: number; headers: Record<string, string> };
}

export interface ContextDeps {
  db: Kysely<Database>;
  config: ApiConfig;
  services: Services;
}

/** Resolves the bearer token (if any) to an active user. */
export async function createContext(
  deps: ContextDeps,
  req: { authorization: string | undefined; request: RequestInfo },
): Promise<Context> {
  let user: AuthUser | null = null;
  let tokenRejected = false;
  const header = req.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const claims = match?.[1] ? await verifyAccessToken(deps.config.jwtSecret, match[1]) : null;
    user = claims ? ((await findActiveUserById(deps.db, claims.userId)) ?? null) : null;
    tokenRejected = user === null;
  }
  return { ...deps, request: req.request, user, tokenRejected, http: { headers: {} } };
}
