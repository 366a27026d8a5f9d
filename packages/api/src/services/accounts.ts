import { randomBytes } from 'node:crypto';
import type { Database, UserRow } from '@lectern/db';
import type { Kysely } from 'kysely';
import slugify from 'slugify';
import type { Context } from '../context.ts';
import { fail, type LecternError } from '../errors.ts';
import { type CodePolicy, type CodePurpose, inCooldown, issueCode, releaseCooldown } from './codes.ts';
import { codeMail } from './mail.ts';
import type { TokenPolicy } from './tokens.ts';

type PolicyContext = Pick<Context, 'config'>;

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

/** `slugified-username-` + 8 hex: unique in practice, and stable when the username changes later. */
export function userSlug(username: string): string {
  // Username punctuation (`_ . @ +`) separates words, as a space would.
  const words = username.replace(/[_.@+]+/g, ' ');
  const base =
    slugify(words, { lower: true, strict: true, trim: true }).slice(0, 150).replace(/-+$/, '') || 'user';
  return `${base}-${randomBytes(4).toString('hex')}`;
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
  const e = error as { code?: unknown; constraint?: unknown; detail?: unknown; message?: unknown };
  if (e?.code !== '23505') return undefined;
  const where = `${String(e.constraint ?? '')} ${String(e.detail ?? '')} ${String(e.message ?? '')}`;
  if (where.includes('email')) return fail.field('email', 'A user with that email already exists.');
  if (where.includes('username')) return fail.field('username', 'A user with that username already exists.');
  return undefined;
}
