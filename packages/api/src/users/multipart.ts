import type { Context } from '../context.ts';
import { type FieldErrors, fail, zodFieldErrors } from '../errors.ts';
import { appRouter } from '../routers/index.ts';
import {
  type AuthedContext,
  applyUpdate,
  checkUpdate,
  loadEditableUser,
  type PictureChange,
  updateUserFields,
} from '../routers/users/profile-update.ts';
import type { UserProfile } from '../routers/users/schemas.ts';
import { type IncomingFile, storeUpload, withUpload } from '../services/uploads.ts';
import { createCallerFactory } from '../trpc.ts';

/** A parsed multipart body (the server's uploads plugin produces it). */
export interface MultipartFields {
  fields: Record<string, string[]>;
  /** null: the field was sent empty, meaning "remove". */
  files: Record<string, IncomingFile | null>;
}

const createCaller = createCallerFactory(appRouter);

const BOOLEAN_FIELDS = ['is_verified', 'is_staff', 'is_superuser'] as const;
const TEXT_FIELDS = ['username', 'bio', 'address'] as const;
const MULTIPART_TRUE = new Set(['true', '1', 'on']);
const MULTIPART_FALSE = new Set(['false', '0']);

function requireUser(ctx: Context): AuthedContext {
  if (ctx.tokenRejected) throw fail.tokenInvalid();
  if (!ctx.user) throw fail.unauthenticated();
  return { ...ctx, user: ctx.user };
}

/** PUT/PATCH /api/users/:slug with a JSON body: the tRPC procedure, through a server-side caller. */
export function updateUserFromJson(
  ctx: Context,
  body: Record<string, unknown>,
  params: Record<string, string>,
  method: 'PUT' | 'PATCH',
): Promise<UserProfile> {
  const caller = createCaller(ctx);
  const input = { ...body, slug: params.slug ?? '' } as Parameters<typeof caller.users.update>[0];
  return method === 'PUT' ? caller.users.replace(input) : caller.users.update(input);
}

/**
 * PUT/PATCH /api/users/:slug as multipart: text fields as the JSON door has them, booleans as
 * true/false/1/0/on, `profile_pic` an image file (checked by its bytes) or an empty value to remove it.
 * Everything that can refuse the request is checked before the file is stored; if the update still
 * fails, the stored file is removed.
 */
export async function updateUserFromMultipart(
  rawCtx: Context,
  payload: MultipartFields,
  params: Record<string, string>,
): Promise<UserProfile> {
  const ctx = requireUser(rawCtx);
  const raw: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const name of TEXT_FIELDS) {
    const values = payload.fields[name];
    if (values?.length) raw[name] = values[values.length - 1];
  }
  for (const name of BOOLEAN_FIELDS) {
    const value = payload.fields[name]?.at(-1)?.toLowerCase();
    if (value === undefined) continue;
    if (MULTIPART_TRUE.has(value)) raw[name] = true;
    else if (MULTIPART_FALSE.has(value)) raw[name] = false;
    else errors[name] = ['Must be true, false, 1, 0 or on.'];
  }
  const parsed = updateUserFields.safeParse(raw);
  if (!parsed.success) Object.assign(errors, zodFieldErrors(parsed.error));
  if (Object.keys(errors).length || !parsed.success) throw fail.fields(errors);
  const fields = parsed.data;

  const target = await loadEditableUser(ctx, params.slug ?? '');
  await checkUpdate(ctx, target, fields);

  const file = payload.files.profile_pic;
  const storage = ctx.services.storage;
  const upload = file
    ? await storeUpload(storage, file, 'image', (id, ext) => `${target.slug}/profile-${id}.${ext}`)
    : null;
  const picture: PictureChange = upload
    ? { kind: 'set', upload }
    : file === null
      ? { kind: 'remove' }
      : { kind: 'keep' };
  return withUpload(storage, upload, () => applyUpdate(ctx, target, fields, picture));
}
