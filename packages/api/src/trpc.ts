import { initTRPC } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import { type Context, contentKeyRefused } from './context.ts';
import { describeError, type FieldErrors, fail, MACHINE_CODES, type MachineCode } from './errors.ts';
import { cleanInput, TextError } from './shared/text.ts';
import { wireTransformer } from './shared/wire.ts';

// DRF-style wording for a missing field, on both doors.
z.config({
  customError: (issue) =>
    issue.input === undefined && issue.code === 'invalid_type' ? 'This field is required.' : undefined,
});

/** How often a quiet live-event stream sends a heartbeat (both doors). */
export const SSE_HEARTBEAT_MS = 15_000;

/** Who may call a procedure; set by its tier, read by the OpenAPI document (security, 401/403). */
export type Access = 'public' | 'reader' | 'authenticated' | 'staff' | 'superuser';

/** An error particular to one procedure, documented next to it. */
export interface ErrorDeclaration {
  code: MachineCode;
  /** Why this procedure answers with it. */
  description: string;
  /** The `detail` the server sends, when it is one fixed sentence. */
  detail?: string;
}

export interface LecternMeta extends OpenApiMeta {
  /** REST status on success when not 200. */
  successStatus?: 201 | 204;
  /** Who may still call this while maintenance mode is on. */
  maintenanceExempt?: 'everyone' | 'superuser';
  /** Set by the procedure tier; never by hand. */
  access?: Access;
  /**
   * Errors particular to this procedure, by HTTP status. The document adds those its shape implies
   * (input → 400, tier → 401/403, path parameter or page → 404, body → 413/415, always 500/503).
   */
  errors?: Partial<Record<'400' | '401' | '403' | '404' | '409' | '413' | '415' | '429', ErrorDeclaration>>;
  /** Examples for the document (checked against the schemas by the OpenAPI linter). */
  examples?: { request?: unknown; response?: unknown };
}

/** The `data` of every tRPC error: the machine code is the same as the REST body's `code`. */
export interface LecternErrorData {
  code: MachineCode;
  httpStatus: number;
  path: string | undefined;
  fields: FieldErrors | null;
  retryAfter: number | null;
}

const t = initTRPC
  .context<Context>()
  .meta<LecternMeta>()
  .create({
    transformer: wireTransformer,
    // Subscriptions (events.subscribe) over SSE: a ping keeps proxies from closing a quiet stream,
    // and a client that hears nothing, not even a ping, for longer reconnects (resuming by event id).
    sse: {
      ping: { enabled: true, intervalMs: SSE_HEARTBEAT_MS },
      client: { reconnectAfterInactivityMs: SSE_HEARTBEAT_MS * 3 },
    },
    errorFormatter({ shape, error }) {
      const info = describeError(error);
      const data: LecternErrorData = {
        code: info.machineCode,
        httpStatus: info.httpStatus,
        path: shape.data.path,
        fields: info.fields,
        retryAfter: info.retryAfter,
      };
      // No stack, no cause: nothing internal leaves the process.
      return { message: info.message, code: shape.code, data };
    },
  });

/**
 * The tRPC door's answer to an error that happens before tRPC runs (a body that cannot be read): the
 * same envelope its error formatter gives, serialised as superjson does a plain object.
 */
export function trpcErrorResponse(
  error: unknown,
  path: string | undefined,
): { status: number; body: unknown } {
  const info = describeError(error);
  const data: LecternErrorData = {
    code: info.machineCode,
    httpStatus: info.httpStatus,
    path,
    fields: info.fields,
    retryAfter: info.retryAfter,
  };
  const code = TRPC_ERROR_CODES_BY_KEY[MACHINE_CODES[info.machineCode].trpc];
  return { status: info.httpStatus, body: { error: { json: { message: info.message, code, data } } } };
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const maintenanceGuard = t.middleware(async ({ ctx, meta, next }) => {
  const exempt =
    meta?.maintenanceExempt === 'everyone' ||
    (meta?.maintenanceExempt === 'superuser' && ctx.user?.is_superuser === true);
  if (!exempt && (await ctx.services.settings.get()).maintenance) throw fail.maintenance();
  return next();
});

/** The names of the REST path's parameters (`/posts/{slug}` → slug): a bad value there is a 404. */
const pathParameters = (meta: LecternMeta | undefined) =>
  new Set([...(meta?.openapi?.path.matchAll(/\{(\w+)\}/g) ?? [])].map((m) => m[1]));

/** The text rule of shared/text.ts, on the raw input of every procedure, before its schema. */
const inputGuard = t.middleware(async ({ meta, getRawInput, next }) => {
  let cleaned: unknown;
  try {
    cleaned = cleanInput(await getRawInput());
  } catch (error) {
    if (!(error instanceof TextError)) throw error;
    const field = error.path[0];
    if (typeof field === 'string' && pathParameters(meta).has(field)) throw fail.notFound();
    throw fail.field(typeof field === 'string' ? field : 'non_field_errors', error.message);
  }
  return next({ getRawInput: async () => cleaned });
});

export const publicProcedure = t.procedure.use(maintenanceGuard).use(inputGuard).meta({ access: 'public' });

/**
 * Reads of published content: a signed-in user, a content key, or — while the `anonymous_read` switch
 * is on — anyone. The procedure narrows what a caller without a user sees (published only).
 */
export const readerProcedure = publicProcedure
  .use(async ({ ctx, next }) => {
    if (ctx.tokenRejected) throw fail.tokenInvalid();
    if (!ctx.user && !ctx.contentKey && !(await ctx.services.settings.get()).anonymous_read) {
      throw fail.unauthenticated();
    }
    return next();
  })
  .meta({ access: 'reader' });

export const authedProcedure = publicProcedure
  .use(({ ctx, next }) => {
    if (ctx.tokenRejected) throw fail.tokenInvalid();
    if (!ctx.user) throw ctx.contentKey ? contentKeyRefused() : fail.unauthenticated();
    return next({ ctx: { user: ctx.user } });
  })
  .meta({ access: 'authenticated' });

export const staffProcedure = authedProcedure
  .use(({ ctx, next }) => {
    if (!ctx.user.is_staff && !ctx.user.is_superuser) throw fail.forbidden();
    return next();
  })
  .meta({ access: 'staff' });

export const superuserProcedure = authedProcedure
  .use(({ ctx, next }) => {
    if (!ctx.user.is_superuser) throw fail.forbidden();
    return next();
  })
  .meta({ access: 'superuser' });
