import { z } from 'zod';
import { imageVariantsField } from '../shared/image-variant-schema.ts';
import { pageParams } from '../shared/pagination.ts';
import { bool, queryBool, slugParam } from '../shared/schemas.ts';

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

export const refreshField = () => z.string().min(1).max(4096);

export const messageOutput = z.object({ message: z.string() }).meta({ id: 'Message' });

export const userSlugInput = z.object({ slug: slugParam() });

export const userProfile = z
  .object({
    id: z.number().int(),
    email: z.string(),
    username: z.string(),
    slug: z.string(),
    bio: z.string(),
    address: z.string(),
    profile_pic: z.string().nullable().meta({ description: 'Absolute URL of the picture, or null.' }),
    variants: imageVariantsField,
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
  .pick({ id: true, username: true, slug: true, bio: true, profile_pic: true, variants: true })
  .meta({ id: 'PublicUserProfile' });
export type PublicUserProfile = z.infer<typeof publicUserProfile>;

/** Who an account is and what it may do: the login answer's `user`. */
const account = {
  id: true,
  email: true,
  username: true,
  slug: true,
  is_verified: true,
  is_staff: true,
  is_superuser: true,
} as const;

export const userListItem = userProfile.pick({ ...account, date_joined: true }).meta({ id: 'UserListItem' });
export type UserListItem = z.infer<typeof userListItem>;

export const registerInput = z.object({
  email: emailField(),
  password: passwordField(),
  username: usernameField(),
});

export const registerOutput = userProfile
  .pick({ id: true, email: true, username: true, slug: true, is_verified: true })
  .extend({ message: z.string() })
  .meta({ id: 'Registered' });

export const verifyOtpInput = z.object({ email: emailField(), otp: otpField() });

export const verifyOtpOutput = z
  .object({
    message: z.string(),
    user: userProfile.pick({ id: true, email: true, is_verified: true }),
  })
  .meta({ id: 'Verified' });

export const emailInput = z.object({ email: emailField() });

// The address is not validated as an email at login: any string just fails as a wrong pair.
export const loginInput = z.object({ email: z.string().trim().min(1).max(254), password: passwordField() });

export const loginOutput = z
  .object({
    access: z.string(),
    refresh: z.string(),
    user: userProfile.pick(account),
  })
  .meta({ id: 'Login' });

export const refreshInput = z.object({ refresh: refreshField() });

export const refreshTokenOutput = z
  .object({
    access: z.string(),
    refresh: z
      .string()
      .optional()
      .meta({ description: 'The next refresh token (absent when rotation is off).' }),
  })
  .meta({ id: 'TokenRefresh' });

export const resetPasswordInput = z.object({
  email: emailField(),
  otp: otpField(),
  new_password: passwordField(),
});

export const listUsersInput = z.object({
  ...pageParams,
  is_verified: queryBool().optional(),
  is_staff: queryBool().optional(),
  search: z
    .string()
    .max(254)
    .optional()
    .meta({ description: 'Case-insensitive match on email or username.' }),
});

/** The fields PUT and PATCH accept; anything else (id, email, slug, dates) is ignored. */
export const updateUserFields = z.object({
  username: usernameField()
    .optional()
    .meta({ description: 'Unique (case-insensitive); the slug does not change.' }),
  bio: z.string().max(5000, 'Ensure this field has no more than 5000 characters.').optional(),
  address: z.string().max(1000, 'Ensure this field has no more than 1000 characters.').optional(),
  is_verified: bool().optional(),
  is_staff: bool().optional(),
  is_superuser: bool().optional(),
  profile_pic: z
    .string()
    .nullable()
    .optional()
    .meta({ description: '`""` or null removes the picture; a URL (as returned by GET) is ignored.' }),
});
export type UpdateUserFields = z.infer<typeof updateUserFields>;

export const updateUserInput = updateUserFields.extend({ slug: slugParam() });
