import { z } from 'zod';
import { fail } from '../../errors.ts';
import { authedProcedure } from '../../trpc.ts';
import { refreshInput } from '../schemas.ts';
import { revokeRefreshToken } from '../sessions.ts';

export const logoutProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/users/logout',
      tags: ['users'],
      summary: 'Log out: revoke the refresh token (and its rotation chain)',
    },
    successStatus: 204,
  })
  .input(refreshInput)
  .output(z.void())
  .mutation(async ({ ctx, input }) => {
    const revoked = await revokeRefreshToken(ctx.db, ctx.config.jwtSecret, input.refresh, ctx.user.id);
    if (!revoked) throw fail.tokenInvalid();
  });
