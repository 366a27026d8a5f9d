import type { AnyProcedure } from '@trpc/server';
import { categoriesRouter } from './categories/index.ts';
import { contentKeysRouter } from './content-keys/index.ts';
import type { Context } from './context.ts';
import { eventsRouter } from './events/index.ts';
import { filesRouter } from './files/index.ts';
import { postsRouter } from './posts/index.ts';
import { systemRouter } from './system/index.ts';
import { createCallerFactory, type LecternMeta, router } from './trpc.ts';
import { usersRouter } from './users/index.ts';
import { webhooksRouter } from './webhooks/index.ts';

export const appRouter = router({
  system: systemRouter,
  users: usersRouter,
  posts: postsRouter,
  categories: categoriesRouter,
  files: filesRouter,
  contentKeys: contentKeysRouter,
  webhooks: webhooksRouter,
  events: eventsRouter,
});

export type AppRouter = typeof appRouter;

export interface ProcedureInfo {
  /** Dotted path, e.g. `posts.list`. */
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  meta: LecternMeta;
  procedure: AnyProcedure;
}

type ProcedureRecord = Record<string, AnyProcedure & { _def: { meta?: LecternMeta } }>;

/** Every procedure of the app with its path and meta, in router order (the REST bridge's match order). */
export function allProcedures(): ProcedureInfo[] {
  return Object.entries(appRouter._def.procedures as unknown as ProcedureRecord).map(([path, procedure]) => ({
    path,
    type: procedure._def.type,
    meta: procedure._def.meta ?? {},
    procedure,
  }));
}

const byPath = new Map(allProcedures().map((info) => [info.path, info]));
const byProcedure = new Map(allProcedures().map((info) => [info.procedure, info]));

/** A procedure's path and meta, by its dotted path. */
export const procedureAt = (path: string): ProcedureInfo | undefined => byPath.get(path);

/** A procedure's path and meta, by the procedure itself (multipart routes name theirs). */
export const procedureInfo = (procedure: AnyProcedure): ProcedureInfo | undefined =>
  byProcedure.get(procedure);

const createCaller = createCallerFactory(appRouter);
type CallerNode = ((input: unknown) => Promise<unknown>) & { [key: string]: CallerNode };

/** Runs a procedure by its dotted path as the doors do (its middlewares, input and output parsers). */
export function callProcedure(path: string, ctx: Context, input: unknown): Promise<unknown> {
  const caller = createCaller(ctx) as unknown as CallerNode;
  const call = path.split('.').reduce<CallerNode | undefined>((node, key) => node?.[key], caller);
  if (!call) throw new Error(`no procedure at ${path}`);
  return call(input);
}
