import {
  generatePassword,
  hasSuperuser,
  insertUser as insertUserRow,
  type PasswordHasher,
  passwordProblems,
  takenIdentifiers,
  userSlug,
} from '@lectern/api';
import type { Database } from '@lectern/db';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Env } from './env.ts';
import { printBanner } from './logger.ts';

export interface SuperuserInput {
  email: string;
  username: string;
  password: string;
}

export class SuperuserError extends Error {
  override name = 'SuperuserError';
}

const USERNAME = /^[A-Za-z0-9@.+_-]{3,150}$/;

/** Every reason the input cannot become a superuser (empty when it can). */
export async function superuserProblems(db: Kysely<Database>, input: SuperuserInput): Promise<string[]> {
  const problems: string[] = [];
  if (!z.email().safeParse(input.email).success) problems.push('email: enter a valid email address.');
  if (!USERNAME.test(input.username)) {
    problems.push('username: 3 to 150 letters, digits and @/./+/-/_ characters.');
  }
  for (const p of passwordProblems(input.password, { email: input.email, username: input.username })) {
    problems.push(`password: ${p}`);
  }
  const taken = await takenIdentifiers(db, { email: input.email, username: input.username });
  if (taken.email) problems.push('email: a user with that email already exists.');
  if (taken.username) problems.push('username: a user with that username already exists.');
  return problems;
}

/** Creates a verified superuser (staff too), after the same checks as registration. */
export async function createSuperuser(
  db: Kysely<Database>,
  passwords: PasswordHasher,
  input: SuperuserInput,
): Promise<{ id: number; email: string; slug: string }> {
  const problems = await superuserProblems(db, input);
  if (problems.length) throw new SuperuserError(problems.join('\n'));
  const row = await insertUserRow(db, {
    email: input.email.trim(),
    username: input.username,
    slug: userSlug(input.username),
    password_hash: await passwords.hash(input.password),
    is_verified: true,
    is_staff: true,
    is_superuser: true,
  });
  return { id: row.id, email: row.email, slug: row.slug };
}

export interface SeedLog {
  info(obj: Record<string, unknown>, message: string): void;
  warn(obj: Record<string, unknown>, message: string): void;
}

/** Transaction-scoped advisory lock (two int4 keys: "LC", 1) that processes seeding at once take turns on. */
const SEED_LOCK = sql`SELECT pg_advisory_xact_lock(${0x4c43}, 1)`;

/**
 * The first superuser, when there is none yet: made from ADMIN_EMAIL / ADMIN_USERNAME /
 * ADMIN_PASSWORD. Without ADMIN_PASSWORD a strong password is generated (only when
 * `generatePasswordIfUnset`: the embedded database's first start) and shown once in a banner on
 * stderr, outside the log stream; it is never stored in clear anywhere.
 *
 * Several processes may start at once on one PostgreSQL (cluster workers, replicas): they take turns
 * on an advisory lock held until their transaction ends, so the first creates the superuser and the
 * others find it. Returns whether this call created it.
 */
export async function seedAdmin(
  db: Kysely<Database>,
  passwords: PasswordHasher,
  env: Env,
  log: SeedLog,
  opts: { generatePasswordIfUnset: boolean; showPassword?: (lines: string[]) => void },
): Promise<boolean> {
  if (env.ADMIN_PASSWORD === undefined && !opts.generatePasswordIfUnset) return false;
  const generated = env.ADMIN_PASSWORD === undefined;
  const password = env.ADMIN_PASSWORD ?? generatePassword();
  const user = await db.transaction().execute(async (trx) => {
    await SEED_LOCK.execute(trx);
    if (await hasSuperuser(trx)) return undefined;
    return createSuperuser(trx, passwords, {
      email: env.ADMIN_EMAIL,
      username: env.ADMIN_USERNAME,
      password,
    });
  });
  if (!user) return false;
  if (generated) {
    (opts.showPassword ?? printBanner)([
      'Lectern: the first superuser was created with a generated password.',
      `  email:    ${user.email}`,
      `  password: ${password}`,
      'It is shown only this once: log in and change it.',
    ]);
    log.warn(
      { email: user.email },
      'created the first superuser with a generated password (printed once on stderr, not logged)',
    );
  } else {
    log.info({ email: user.email }, 'created the first superuser from ADMIN_EMAIL / ADMIN_PASSWORD');
  }
  return true;
}
