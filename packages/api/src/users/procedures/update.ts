import { authedProcedure } from '../../trpc.ts';
import { applyUpdate, checkUpdate, loadEditableUser, pictureFromJson } from '../profiles.ts';
import { updateUserInput, userProfile } from '../schemas.ts';

/** PATCH (and PUT, which the REST door serves alike): only the fields sent change. */
export const updateUserProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'PATCH',
      path: '/users/{slug}',
      tags: ['users'],
      summary: 'Update a profile (owner or staff), optionally with a new profile picture',
      description:
        'Only the fields sent change (PUT and PATCH alike); read-only fields (id, email, slug, dates, a ' +
        'profile_pic URL) are ignored. Only staff change is_staff/is_verified; only superusers change ' +
        'is_superuser. A field set to its current value is harmless. In multipart, `profile_pic` is an ' +
        'image file (JPEG, PNG, WebP, GIF or AVIF by its bytes) or an empty value to remove the picture.',
    },
    errors: {
      '403': {
        code: 'PERMISSION_DENIED',
        description: 'Not the owner or staff, or a role flag the caller may not change.',
      },
      '413': {
        code: 'IMAGE_TOO_LARGE',
        description: 'The picture has more pixels than IMAGE_MAX_PIXELS (multipart)',
      },
      '415': {
        code: 'CORRUPT_IMAGE',
        description: 'The picture looks like an image but does not decode (multipart)',
      },
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
