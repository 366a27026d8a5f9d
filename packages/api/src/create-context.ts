import type { Context, ContextDeps, RequestInfo } from './context.ts';
import { verifyAccessToken } from './shared/jwt.ts';
import { findActiveUserById } from './users/index.ts';

/** A request's context: its bearer token (if any) resolved to an active user. */
export async function createContext(
  deps: ContextDeps,
  req: { authorization: string | undefined; request: RequestInfo },
): Promise<Context> {
  let user: Context['user'] = null;
  let tokenRejected = false;
  const header = req.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const userId = match?.[1] ? await verifyAccessToken(deps.config.jwtSecret, match[1]) : null;
    user = userId === null ? null : ((await findActiveUserById(deps.db, userId)) ?? null);
    tokenRejected = user === null;
  }
  return { ...deps, request: req.request, user, tokenRejected, http: { headers: {} } };
}
