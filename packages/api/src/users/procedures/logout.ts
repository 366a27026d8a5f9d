import { z } from 'zod';
import { fail } from '../../errors.ts';
import { revokeRefreshToken } from '../../services/tokens.ts';
import { authedProcedure } from '../../trpc.ts';

export const logout = authedProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/users/logout',
      tags: ['users'],
      summary: 'Log out: revoke the refresh token (and its rotation chain)',
      protect: true,
    },
    successStatus: 204,
  })
  .input(z.object({ refresh: z.string().min(1).max(4096) }))
  .output(z.void())
  .mutation(async ({ ctx, input }) => {
    const revoked = await revokeRefreshToken(ctx.db, ctx.config.jwtSecret, input.refresh, ctx.user.id);
    if (!revoked) throw fail.tokenInvalid('Token is invalid or expired.');
  });
