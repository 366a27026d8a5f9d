import type { AuthUser, Context } from '../context.ts';
import { fail } from '../errors.ts';

export type AuthedContext = Context & { user: AuthUser };

export const isStaff = (user: AuthUser): boolean => user.is_staff || user.is_superuser;

/** What `authedProcedure` checks, for routes that are not procedures (multipart uploads). */
export function requireUser(ctx: Context): AuthedContext {
  if (ctx.tokenRejected) throw fail.tokenInvalid();
  if (!ctx.user) throw fail.unauthenticated();
  return { ...ctx, user: ctx.user };
}
