import { z } from 'zod';
import { releaseImageVariants } from '../../shared/image-variants.ts';
import { authedProcedure } from '../../trpc.ts';
import { loadEditableUser } from '../profiles.ts';
import { updateUser } from '../queries.ts';
import { userSlugInput } from '../schemas.ts';
import { revokeAllRefreshTokens } from '../sessions.ts';

export const deleteUserProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/users/{slug}',
      tags: ['users'],
      summary: 'Delete an account (soft: content is kept)',
    },
    successStatus: 204,
    errors: { '403': { code: 'PERMISSION_DENIED', description: 'Neither the account itself nor staff.' } },
  })
  .input(userSlugInput)
  .output(z.void())
  .mutation(async ({ ctx, input }) => {
    const target = await loadEditableUser(ctx, input.slug);
    const unused = await ctx.db.transaction().execute(async (tx) => {
      // The picture and its variants go with the account (nothing can show or restore them); posts and
      // files stay.
      await updateUser(tx, target.id, { is_deleted: true, is_active: false, profile_pic: null });
      await revokeAllRefreshTokens(tx, target.id);
      const picture = target.profile_pic;
      return picture ? [picture, ...(await releaseImageVariants(tx, [picture]))] : [];
    });
    // Only once the row no longer names them: a failed delete never leaves a row pointing at nothing.
    for (const key of unused) await ctx.services.storage.delete(key);
  });
