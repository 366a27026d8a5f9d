import type { Database, UserRow } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { Context } from '../context.ts';
import { fail, type LecternError } from '../errors.ts';
import { toImageVariants, type VariantRecord, variantsOf } from '../shared/image-variants.ts';
import { codeMail } from '../shared/mail.ts';
import { uniqueViolation } from '../shared/sql.ts';
import { type CodePolicy, type CodePurpose, inCooldown, issueCode, releaseCooldown } from './codes.ts';
import type { PublicUserProfile, UserListItem, UserProfile } from './schemas.ts';
import type { TokenPolicy } from './sessions.ts';

type PolicyContext = Pick<Context, 'config'>;
type UrlContext = Pick<Context, 'services' | 'request'>;

export function codePolicy(ctx: PolicyContext): CodePolicy {
  return {
    secret: ctx.config.jwtSecret,
    ttlMinutes: ctx.config.otpTtlMinutes,
    maxAttempts: ctx.config.otpMaxAttempts,
    resendCooldownSeconds: ctx.config.otpResendCooldownSeconds,
  };
}

export function tokenPolicy(ctx: PolicyContext): TokenPolicy {
  return {
    secret: ctx.config.jwtSecret,
    accessTtlSeconds: ctx.config.accessTokenTtlSeconds,
    refreshTtlSeconds: ctx.config.refreshTokenTtlSeconds,
    rotation: ctx.config.refreshRotation,
    reuseGraceSeconds: ctx.config.refreshReuseGraceSeconds,
  };
}

/**
 * Issues a code and mails it, unless one of the same purpose went out within the cooldown (then
 * nothing happens: the caller answers 200 all the same). Mail failures are logged, not thrown; with
 * `background` the caller does not wait for the mail server.
 */
export async function sendCode(
  ctx: Pick<Context, 'config' | 'services'> & { db: Kysely<Database> },
  user: Pick<UserRow, 'id' | 'email' | 'username'>,
  purpose: CodePurpose,
  opts: { skipCooldown?: boolean; background?: boolean } = {},
): Promise<void> {
  const policy = codePolicy(ctx);
  if (!opts.skipCooldown && (await inCooldown(ctx.db, policy, user.id, purpose))) return;
  const code = await issueCode(ctx.db, policy, user.id, purpose);
  const sending = ctx.services.mail
    .trySend(
      codeMail({ to: user.email, username: user.username, code, purpose, ttlMinutes: policy.ttlMinutes }),
    )
    // Unsent, the code must not hold the cooldown; if even that update fails, the cooldown just runs out.
    .then(async (sent) => {
      if (!sent) await releaseCooldown(ctx.db, policy, user.id, purpose, code).catch(() => undefined);
    });
  // In the background, the answer does not wait on the mail server: its time tells nothing.
  if (!opts.background) await sending;
}

/** A unique-index violation on users turned into the field error a client can act on. */
export function uniqueViolationToField(error: unknown): LecternError | undefined {
  const where = uniqueViolation(error)?.where;
  if (where?.includes('email')) return fail.field('email', 'A user with that email already exists.');
  if (where?.includes('username')) return fail.field('username', 'A user with that username already exists.');
  return undefined;
}

function pictureUrl(ctx: UrlContext, key: string | null): string | null {
  return key ? ctx.services.storage.url(ctx.request.baseUrl, key) : null;
}

/** The variants of a user's picture (one statement; none without a picture). */
export async function pictureVariants(
  ctx: { db: Kysely<Database> },
  row: Pick<UserRow, 'profile_pic'>,
): Promise<VariantRecord[]> {
  if (!row.profile_pic) return [];
  return (await variantsOf(ctx.db, [row.profile_pic])).get(row.profile_pic) ?? [];
}

/** The full profile (self or staff). Built field by field: nothing else of the row can leak. */
export function toProfile(ctx: UrlContext, row: UserRow, variants: readonly VariantRecord[]): UserProfile {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    slug: row.slug,
    bio: row.bio,
    address: row.address,
    profile_pic: pictureUrl(ctx, row.profile_pic),
    variants: toImageVariants(ctx, variants),
    is_verified: row.is_verified,
    is_staff: row.is_staff,
    is_superuser: row.is_superuser,
    date_joined: row.date_joined,
    updated_at: row.updated_at,
  };
}

export function toPublicProfile(
  ctx: UrlContext,
  row: UserRow,
  variants: readonly VariantRecord[],
): PublicUserProfile {
  return {
    id: row.id,
    username: row.username,
    slug: row.slug,
    bio: row.bio,
    profile_pic: pictureUrl(ctx, row.profile_pic),
    variants: toImageVariants(ctx, variants),
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
