import { fail } from '../../errors.ts';
import { publicProcedure } from '../../trpc.ts';
import { usersExamples } from '../examples.ts';
import { refreshInput, refreshTokenOutput } from '../schemas.ts';
import { tokenPolicy } from '../service.ts';
import { rotateRefreshToken } from '../sessions.ts';

export const refreshTokenProcedure = publicProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/users/token/refresh',
      tags: ['users'],
      summary: 'Exchange a refresh token (rotated: the old one is spent)',
    },
    errors: {
      '401': {
        code: 'TOKEN_INVALID',
        description: 'The refresh token is invalid, expired, spent or revoked.',
        detail: 'Token is invalid or expired.',
      },
    },
    examples: usersExamples.refreshToken,
  })
  .input(refreshInput)
  .output(refreshTokenOutput)
  .mutation(async ({ ctx, input }) => {
    // The transaction commits before the error is thrown, so a revoked family stays revoked.
    const outcome = await ctx.db
      .transaction()
      .execute((tx) => rotateRefreshToken(tx, tokenPolicy(ctx), input.refresh));
    if (!outcome.ok) throw fail.tokenInvalid();
    return outcome.tokens;
  });
