import { z } from 'zod';
import { authedProcedure } from '../../trpc.ts';
import {
  applyUpdate,
  checkUpdate,
  loadEditableUser,
  pictureFromJson,
  updateUserFields,
} from './profile-update.ts';
import { userProfile } from './schemas.ts';

export const updateUserInput = updateUserFields.extend({ slug: z.string().max(200) });

/**
 * PUT and PATCH behave alike (only the fields sent change). On REST both paths are served by the
 * multipart-or-JSON route (apps/server/src/routes/uploads.ts), which calls these for JSON bodies.
 */
const updateProcedure = (method: 'PUT' | 'PATCH') =>
  authedProcedure
    .meta({
      openapi: {
        method,
        path: '/users/{slug}',
        tags: ['users'],
        summary: 'Update a profile (owner or staff)',
        protect: true,
      },
    })
    .input(updateUserInput)
    .output(userProfile)
    .mutation(async ({ ctx, input }) => {
      const { slug, ...fields } = input;
      const target = await loadEditableUser(ctx, slug);
      await checkUpdate(ctx, target, fields);
      return applyUpdate(ctx, target, fields, pictureFromJson(fields.profile_pic));
    });

export const update = updateProcedure('PATCH');
export const replace = updateProcedure('PUT');
