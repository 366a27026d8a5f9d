import type { UserRow } from '@lectern/db';
import { z } from 'zod';
import type { Context } from '../../context.ts';

export const USERNAME_PATTERN = /^[A-Za-z0-9@.+_-]{3,150}$/;

export const emailField = () =>
  z
    .string()
    .trim()
    .max(254, 'Ensure this field has no more than 254 characters.')
    .pipe(z.email('Enter a valid email address.'));

export const usernameField = () =>
  z
    .string()
    .regex(USERNAME_PATTERN, 'Enter a valid username: 3 to 150 letters, digits and @/./+/-/_ characters.');

export const passwordField = () =>
  z.string().max(4096, 'Ensure this field has no more than 4096 characters.');

export const otpField = () => z.string().trim().max(32);

export const messageOutput = z.object({ message: z.string() }).meta({ id: 'Message' });

export const userProfile = z
  .object({
    id: z.number().int(),
    email: z.string(),
    username: z.string(),
    slug: z.string(),
    bio: z.string(),
    address: z.string(),
    profile_pic: z.string().nullable().meta({ description: 'Absolute URL of the picture, or null.' }),
    is_verified: z.boolean(),
    is_staff: z.boolean(),
    is_superuser: z.boolean(),
    date_joined: z.date(),
    updated_at: z.date(),
  })
  .meta({ id: 'UserProfile' });
export type UserProfile = z.infer<typeof userProfile>;

// The narrower views are picks of the full profile, so a field's type is written once.
export const publicUserProfile = userProfile
  .pick({ id: true, username: true, slug: true, bio: true, profile_pic: true })
  .meta({ id: 'PublicUserProfile' });
export type PublicUserProfile = z.infer<typeof publicUserProfile>;

export const userListItem = userProfile
  .pick({
    id: true,
    email: true,
    username: true,
    slug: true,
    is_verified: true,
    is_staff: true,
    is_superuser: true,
    date_joined: true,
  })
  .meta({ id: 'UserListItem' });
export type UserListItem = z.infer<typeof userListItem>;

export const tokenPair = z.object({ access: z.string(), refresh: z.string() });

export const loginOutput = z
  .object({
    access: z.string(),
    refresh: z.string(),
    user: z.object({
      id: z.number().int(),
      email: z.string(),
      username: z.string(),
      slug: z.string(),
      is_verified: z.boolean(),
      is_staff: z.boolean(),
      is_superuser: z.boolean(),
    }),
  })
  .meta({ id: 'Login' });

function pictureUrl(ctx: Pick<Context, 'services' | 'request'>, key: string | null): string | null {
  return key ? ctx.services.storage.url(ctx.request.baseUrl, key) : null;
}

/** The full profile (self or staff). Built field by field: nothing else of the row can leak. */
export function toProfile(ctx: Pick<Context, 'services' | 'request'>, row: UserRow): UserProfile {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    slug: row.slug,
    bio: row.bio,
    address: row.address,
    profile_pic: pictureUrl(ctx, row.profile_pic),
    is_verified: row.is_verified,
    is_staff: row.is_staff,
    is_superuser: row.is_superuser,
    date_joined: row.date_joined,
    updated_at: row.updated_at,
  };
}

export function toPublicProfile(ctx: Pick<Context, 'services' | 'request'>, row: UserRow): PublicUserProfile {
  return {
    id: row.id,
    username: row.username,
    slug: row.slug,
    bio: row.bio,
    profile_pic: pictureUrl(ctx, row.profile_pic),
  };
}

export function toListItem(row: UserRow): UserListItem {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    slug: row.slug,
    is_verified: row.is_verified,
    is_staff: row.is_staff,
    is_superuser: row.is_superuser,
    date_joined: row.date_joined,
  };
}

/** Staff powers: `is_staff`, or a superuser. */
export const isStaff = (user: { is_staff: boolean; is_superuser: boolean }) =>
  user.is_staff || user.is_superuser;
