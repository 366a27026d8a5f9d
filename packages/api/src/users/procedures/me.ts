import { z } from 'zod';
import { fail } from '../../errors.ts';
import { authedProcedure } from '../../trpc.ts';
import { usersExamples } from '../examples.ts';
import { findUserBySlug } from '../queries.ts';
import { userProfile } from '../schemas.ts';
import { pictureVariants, toProfile } from '../service.ts';

export const meProcedure = authedProcedure
  .meta({
    openapi: { method: 'GET', path: '/users/me', tags: ['users'], summary: 'Own profile' },
    examples: usersExamples.me,
  })
  .input(z.void())
  .output(userProfile)
  .query(async ({ ctx }) => {
    const row = await findUserBySlug(ctx.db, ctx.user.slug);
    if (!row) throw fail.tokenInvalid();
    return toProfile(ctx, row, await pictureVariants(ctx, row));
  });
