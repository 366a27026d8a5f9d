import type { LecternMeta } from '../trpc.ts';
import { router } from '../trpc.ts';
import { categoriesRouter } from './categories/router.ts';
import { filesRouter } from './files/router.ts';
import { postsRouter } from './posts/router.ts';
import { systemRouter } from './system/router.ts';
import { usersRouter } from './users/router.ts';

export const appRouter = router({
  system: systemRouter,
  users: usersRouter,
  posts: postsRouter,
  categories: categoriesRouter,
  files: filesRouter,
});

export type AppRouter = typeof appRouter;

type ProcedureRecord = Record<string, { _def: { meta?: LecternMeta } } | undefined>;

/** A procedure's meta by its dotted path ("system.health"). */
export function procedureMeta(path: string): LecternMeta | undefined {
  return (appRouter._def.procedures as unknown as ProcedureRecord)[path]?._def.meta;
}

/** Every procedure's dotted path with its meta. */
export function allProcedureMeta(): Array<[string, LecternMeta | undefined]> {
  return Object.entries(appRouter._def.procedures as unknown as ProcedureRecord).map(([p, v]) => [
    p,
    v?._def.meta,
  ]);
}
