import { z } from 'zod';
import { fail } from '../../errors.ts';
import { findUserBySlug } from '../../queries/users.ts';
import { authedProcedure } from '../../trpc.ts';
import { isStaff, publicUserProfile, toProfile, toPublicProfile, userProfile } from './schemas.ts';

export const getBySlug = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/users/{slug}',
      tags: ['users'],
      summary: "A user's profile (full for self and staff, public for others)",
      protect: true,
    },
  })
  .input(z.object({ slug: z.string().max(200) }))
  .output(z.union([userProfile, publicUserProfile]))
  .query(async ({ ctx, input }) => {
    const row = await findUserBySlug(ctx.db, input.slug);
    if (!row) throw fail.notFound();
    return row.id === ctx.user.id || isStaff(ctx.user) ? toProfile(ctx, row) : toPublicProfile(ctx, row);
  });
