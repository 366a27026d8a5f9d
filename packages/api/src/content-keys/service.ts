import { randomBytes } from 'node:crypto';
import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { AuthedContext, ContentKeyPrincipal } from '../context.ts';
import { fail } from '../errors.ts';
import { hashToken } from '../shared/jwt.ts';
import {
  type ContentKeyRecord,
  findContentKeyById,
  insertContentKey,
  listContentKeys,
  revokeContentKey,
  useContentKey,
} from './queries.ts';
import { CONTENT_KEY_PREFIX, type ContentKey, type CreatedContentKey } from './schemas.ts';

/** Characters of the key kept in clear (after `lk_`), so staff can tell keys apart. */
const PREFIX_CHARS = 8;
/** A key is `lk_` and 43 base64url characters (256 random bits). */
const KEY_SHAPE = /^lk_[A-Za-z0-9_-]{43}$/;

export const isContentKey = (token: string) => token.startsWith(CONTENT_KEY_PREFIX);

/**
 * The key a request presented, if it names a live one (its use recorded); null for anything else —
 * malformed, unknown or revoked — which the caller answers with 401 TOKEN_INVALID.
 */
export async function authenticateContentKey(
  db: Kysely<Database>,
  token: string,
): Promise<ContentKeyPrincipal | null> {
  if (!KEY_SHAPE.test(token)) return null;
  return (await useContentKey(db, hashToken(token))) ?? null;
}

/** An id from the path: digits, else no such key (404, as for any unknown id). */
function keyId(raw: number | string): number {
  const id = typeof raw === 'number' ? raw : /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) throw fail.notFound();
  return id;
}

const toContentKey = (record: ContentKeyRecord): ContentKey => ({ ...record });

/** Makes a key: 256 random bits, stored as SHA-256 (like refresh tokens); the key is returned this once. */
export async function createContentKey(ctx: AuthedContext, name: string): Promise<CreatedContentKey> {
  const key = `${CONTENT_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = await insertContentKey(ctx.db, {
    name,
    prefix: key.slice(0, CONTENT_KEY_PREFIX.length + PREFIX_CHARS),
    key_hash: hashToken(key),
    created_by: ctx.user.id,
  });
  const record = await findContentKeyById(ctx.db, id);
  if (!record) throw new Error(`content key ${id} vanished after its insert`);
  return { ...toContentKey(record), key };
}

export async function getContentKey(ctx: AuthedContext, rawId: number | string): Promise<ContentKey> {
  const record = await findContentKeyById(ctx.db, keyId(rawId));
  if (!record) throw fail.notFound();
  return toContentKey(record);
}

export async function listKeys(
  ctx: AuthedContext,
  opts: { revoked: boolean | undefined; limit: number; offset: number },
): Promise<{ count: number; results: ContentKey[] }> {
  const page = await listContentKeys(ctx.db, opts);
  return { count: page.count, results: page.results.map(toContentKey) };
}

/** Revokes a key: every request with it is refused from the next one on (401), in every process. */
export async function revokeKey(ctx: AuthedContext, rawId: number | string): Promise<ContentKey> {
  const id = keyId(rawId);
  if (!(await revokeContentKey(ctx.db, id))) throw fail.notFound();
  return getContentKey(ctx, id);
}
