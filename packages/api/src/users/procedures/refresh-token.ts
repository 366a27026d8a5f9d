import { z } from 'zod';
import { fail } from '../../errors.ts';
import { tokenPolicy } from '../../services/accounts.ts';
import { rotateRefreshToken } from '../../services/tokens.ts';
import { publicProcedure } from '../../trpc.ts';

export const refreshTokenOutput = z
  .object({
    access: z.string(),
    refresh: z
      .string()
      .optional()
      .meta({ description: 'The next refresh token (absent when rotation is off).' }),
  })
  .meta({ id: 'TokenRefresh' });

export const refreshToken = publicProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/users/token/refresh',
      tags: ['users'],
      summary: 'Exchange a refresh token (rotated: the old one is spent)',
    },
  })
  .input(z.object({ refresh: z.string().min(1).max(4096) }))
  .output(refreshTokenOutput)
  .mutation(async ({ ctx, input }) => {
    // The transaction commits before the error is thrown, so a revoked family stays revoked.
    const outcome = await ctx.db
      .transaction()
      .execute((tx) => rotateRefreshToken(tx, tokenPolicy(ctx), input.refresh));
    if (!outcome.ok) throw fail.tokenInvalid('Token is invalid or expired.');
    return outcome.tokens;
  });
