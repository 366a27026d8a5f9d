import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import type { Context } from './context.ts';
import { describeError, type FieldErrors, fail, type MachineCode } from './errors.ts';

// DRF-style wording for a missing field, on both doors.
z.config({
  customError: (issue) =>
    issue.input === undefined && issue.code === 'invalid_type' ? 'This field is required.' : undefined,
});

export interface LecternMeta extends OpenApiMeta {
  /** REST status on success when not 200. */
  successStatus?: 201 | 204;
  /** Who may still call this while maintenance mode is on. */
  maintenanceExempt?: 'everyone' | 'superuser';
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
    transformer: superjson,
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

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

const maintenanceGuard = t.middleware(async ({ ctx, meta, next }) => {
  const exempt =
    meta?.maintenanceExempt === 'everyone' ||
    (meta?.maintenanceExempt === 'superuser' && ctx.user?.is_superuser === true);
  if (!exempt && (await ctx.services.settings.get()).maintenance) throw fail.maintenance();
  return next();
});

export const publicProcedure = t.procedure.use(maintenanceGuard);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.tokenRejected) throw fail.tokenInvalid();
  if (!ctx.user) throw fail.unauthenticated();
  return next({ ctx: { user: ctx.user } });
});

export const staffProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.is_staff && !ctx.user.is_superuser) throw fail.forbidden();
  return next();
});

export const superuserProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.is_superuser) throw fail.forbidden();
  return next();
});
