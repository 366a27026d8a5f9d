import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ApiConfig } from '@lectern/api';
import type { Env } from './env.ts';
import { version } from './version.ts';

/**
 * The JWT secret: JWT_SECRET when set (required in production); in development one is generated on
 * first start and kept in the data folder, so tokens survive restarts.
 */
export function resolveJwtSecret(env: Env): string {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  const file = path.join(env.DATA_DIR, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(env.DATA_DIR, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

export function apiConfigFrom(env: Env, jwtSecret: string): ApiConfig {
  return {
    nodeEnv: env.NODE_ENV,
    version,
    jwtSecret,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS ?? env.ACCESS_TOKEN_TTL_MINUTES * 60,
    refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_DAYS * 86_400,
    publicUrl: env.PUBLIC_URL,
    refreshRotation: env.REFRESH_ROTATION,
    refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
    otpTtlMinutes: env.OTP_TTL_MINUTES,
    otpMaxAttempts: env.OTP_MAX_ATTEMPTS,
    otpResendCooldownSeconds: env.OTP_RESEND_COOLDOWN_SECONDS,
    revisionsKept: env.REVISIONS_KEPT,
    webhookAllowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
    imageMaxPixels: env.IMAGE_MAX_PIXELS,
  };
}
