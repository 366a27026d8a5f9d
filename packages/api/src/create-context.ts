import { authenticateContentKey, isContentKey } from './content-keys/index.ts';
import type { Context, ContextDeps, RequestInfo } from './context.ts';
import { verifyAccessToken } from './shared/jwt.ts';
import { findActiveUserById } from './users/index.ts';

/**
 * A request's context: its credential resolved — an access token to an active user, or a content key
 * (`lk_…`, from the bearer header or the `key` query parameter the server took off the URL) to a live
 * key. A credential that resolves to nothing sets `tokenRejected` (401 TOKEN_INVALID where it matters).
 */
export async function createContext(
  deps: ContextDeps,
  req: { authorization: string | undefined; contentKey?: string | undefined; request: RequestInfo },
): Promise<Context> {
  let user: Context['user'] = null;
  let contentKey: Context['contentKey'] = null;
  let tokenRejected = false;
  let credentialExpiresAt: number | undefined;
  const header = req.authorization;
  if (header) {
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (token && isContentKey(token)) {
      contentKey = await authenticateContentKey(deps.db, token);
      tokenRejected = contentKey === null;
    } else {
      const verified = token ? verifyAccessToken(deps.config.jwtSecret, token) : null;
      user = verified === null ? null : ((await findActiveUserById(deps.db, verified.userId)) ?? null);
      tokenRejected = user === null;
      if (user && verified) credentialExpiresAt = verified.expiresAt;
    }
  } else if (req.contentKey !== undefined) {
    contentKey = await authenticateContentKey(deps.db, req.contentKey);
    tokenRejected = contentKey === null;
  }
  return {
    ...deps,
    request: req.request,
    user,
    contentKey,
    tokenRejected,
    ...(credentialExpiresAt === undefined ? {} : { credentialExpiresAt }),
    http: { headers: {} },
  };
}
