import { z } from 'zod';
import { updateUser } from '../../queries/users.ts';
import { revokeAllRefreshTokens } from '../../services/tokens.ts';
import { authedProcedure } from '../../trpc.ts';
import { loadEditableUser } from './profile-update.ts';

export const deleteUser = authedProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/users/{slug}',
      tags: ['users'],
      summary: 'Delete an account (soft: content is kept)',
      protect: true,
    },
    successStatus: 204,
  })
  .input(z.object({ slug: z.string().max(200) }))
  .output(z.void())
  .mutation(async ({ ctx, input }) => {
    const target = await loadEditableUser(ctx, input.slug);
    await ctx.db.transaction().execute(async (tx) => {
      await updateUser(tx, target.id, { is_deleted: true, is_active: false });
      await revokeAllRefreshTokens(tx, target.id);
    });
  });
