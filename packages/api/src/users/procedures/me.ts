import { z } from 'zod';
import { fail } from '../../errors.ts';
import { findUserBySlug } from '../../queries/users.ts';
import { authedProcedure } from '../../trpc.ts';
import { toProfile, userProfile } from './schemas.ts';

export const me = authedProcedure
  .meta({
    openapi: { method: 'GET', path: '/users/me', tags: ['users'], summary: 'Own profile', protect: true },
  })
  .input(z.void())
  .output(userProfile)
  .query(async ({ ctx }) => {
    const row = await findUserBySlug(ctx.db, ctx.user.slug);
    if (!row) throw fail.tokenInvalid();
    return toProfile(ctx, row);
  });
