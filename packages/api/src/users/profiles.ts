import type { UserRow, UserUpdate } from '@lectern/db';
import { type AuthedContext, isStaff } from '../context.ts';
import { fail } from '../errors.ts';
import { enqueueImageVariants, releaseImageVariants } from '../shared/image-variants.ts';
import type { StoredImage } from '../shared/uploads.ts';
import { findUserBySlug, takenIdentifiers, updateUser } from './queries.ts';
import type { UpdateUserFields, UserProfile } from './schemas.ts';
import { pictureVariants, toProfile, uniqueViolationToField } from './service.ts';

export type PictureChange = { kind: 'keep' } | { kind: 'remove' } | { kind: 'set'; upload: StoredImage };

/** The live user at `slug`, if the caller is that user or staff (404, then 403). */
export async function loadEditableUser(ctx: AuthedContext, slug: string): Promise<UserRow> {
  const target = await findUserBySlug(ctx.db, slug);
  if (!target) throw fail.notFound();
  if (target.id !== ctx.user.id && !isStaff(ctx.user)) throw fail.forbidden();
  return target;
}

/**
 * Checks everything that can refuse an update before anything is written: role flags (a change by
 * someone not allowed is 403; sending the current value back is harmless) and a taken username.
 */
export async function checkUpdate(
  ctx: AuthedContext,
  target: UserRow,
  fields: UpdateUserFields,
): Promise<void> {
  const changes = (name: 'is_verified' | 'is_staff' | 'is_superuser') =>
    fields[name] !== undefined && fields[name] !== target[name];
  if ((changes('is_staff') || changes('is_verified')) && !isStaff(ctx.user)) {
    throw fail.forbidden('Only staff can change is_staff or is_verified.');
  }
  if (changes('is_superuser') && !ctx.user.is_superuser) {
    throw fail.forbidden('Only superusers can change is_superuser.');
  }
  if (fields.username !== undefined && fields.username.toLowerCase() !== target.username.toLowerCase()) {
    const taken = await takenIdentifiers(ctx.db, { username: fields.username }, target.id);
    if (taken.username) throw fail.field('username', 'A user with that username already exists.');
  }
}

/**
 * Writes the update. A new picture's variants are queued in the same transaction; the replaced or
 * removed picture and its variants are deleted only after the row is committed.
 */
export async function applyUpdate(
  ctx: AuthedContext,
  target: UserRow,
  fields: UpdateUserFields,
  picture: PictureChange,
): Promise<UserProfile> {
  const patch: UserUpdate = {};
  if (fields.username !== undefined) patch.username = fields.username;
  if (fields.bio !== undefined) patch.bio = fields.bio;
  if (fields.address !== undefined) patch.address = fields.address;
  if (fields.is_verified !== undefined) patch.is_verified = fields.is_verified;
  if (fields.is_staff !== undefined) patch.is_staff = fields.is_staff;
  if (fields.is_superuser !== undefined) patch.is_superuser = fields.is_superuser;
  if (picture.kind === 'set') patch.profile_pic = picture.upload.key;
  if (picture.kind === 'remove') patch.profile_pic = null;
  const replaced =
    picture.kind !== 'keep' && target.profile_pic && target.profile_pic !== patch.profile_pic
      ? target.profile_pic
      : null;
  let written: { row: UserRow; unused: string[] };
  try {
    written = await ctx.db.transaction().execute(async (tx) => {
      const row = await updateUser(tx, target.id, patch);
      if (picture.kind === 'set') {
        await enqueueImageVariants(tx, { key: picture.upload.key, ...picture.upload.image });
      }
      const unused = replaced ? [replaced, ...(await releaseImageVariants(tx, [replaced]))] : [];
      return { row, unused };
    });
  } catch (error) {
    throw uniqueViolationToField(error) ?? error;
  }
  for (const key of written.unused) await ctx.services.storage.delete(key);
  return toProfile(ctx, written.row, await pictureVariants(ctx, written.row));
}

/** What a JSON `profile_pic` means: empty or null removes; a string (the URL from GET) changes nothing. */
export function pictureFromJson(value: string | null | undefined): PictureChange {
  return value === null || value === '' ? { kind: 'remove' } : { kind: 'keep' };
}
