import { multipartRoute } from '../multipart.ts';
import { storeImage, withUpload } from '../shared/uploads.ts';
import { updateUserProcedure } from './procedures/update.ts';
import { applyUpdate, checkUpdate, loadEditableUser, type PictureChange } from './profiles.ts';
import { updateUserFields } from './schemas.ts';

/**
 * PUT/PATCH /api/users/{slug} as multipart: the JSON door's fields (booleans as true/false/1/0/on) and
 * `profile_pic`, an image file (checked by its bytes) or an empty value to remove it. Everything that
 * can refuse the request is checked before the file is stored; if the update still fails, the stored
 * file is removed.
 */
const textFields = updateUserFields.omit({ profile_pic: true });

export const updateUserMultipart = multipartRoute({
  method: 'PATCH',
  path: '/users/{slug}',
  procedure: updateUserProcedure,
  fields: textFields,
  files: {
    profile_pic: {
      description:
        'An image file (JPEG, PNG, WebP, GIF or AVIF by its bytes); an empty value removes the picture.',
    },
  },
  async handle(ctx, fields, files, params) {
    const target = await loadEditableUser(ctx, params.slug ?? '');
    await checkUpdate(ctx, target, fields);
    const file = files.profile_pic;
    const storage = ctx.services.storage;
    const upload = file
      ? await storeImage(
          storage,
          file,
          ctx.config.imageMaxPixels,
          (id, ext) => `${target.slug}/profile-${id}.${ext}`,
        )
      : null;
    const picture: PictureChange = upload
      ? { kind: 'set', upload }
      : file === null
        ? { kind: 'remove' }
        : { kind: 'keep' };
    return withUpload(storage, upload, () => applyUpdate(ctx, target, fields, picture));
  },
});
