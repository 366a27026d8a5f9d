import { z } from 'zod';
import { isStaff } from '../../context.ts';
import { fail } from '../../errors.ts';
import { authedProcedure } from '../../trpc.ts';
import { findUserBySlug } from '../queries.ts';
import { publicUserProfile, userProfile, userSlugInput } from '../schemas.ts';
import { pictureVariants, toProfile, toPublicProfile } from '../service.ts';

export const getUserProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/users/{slug}',
      tags: ['users'],
      summary: "A user's profile (full for self and staff, public for others)",
    },
  })
  .input(userSlugInput)
  .output(z.union([userProfile, publicUserProfile]))
  .query(async ({ ctx, input }) => {
    const row = await findUserBySlug(ctx.db, input.slug);
    if (!row) throw fail.notFound();
    const variants = await pictureVariants(ctx, row);
    return row.id === ctx.user.id || isStaff(ctx.user)
      ? toProfile(ctx, row, variants)
      : toPublicProfile(ctx, row, variants);
  });
