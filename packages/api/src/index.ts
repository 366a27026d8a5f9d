export type { ApiConfig } from './config.ts';
export {
  type AuthUser,
  type Context,
  type ContextDeps,
  createContext,
  type RequestInfo,
  type Services,
} from './context.ts';
export * from './errors.ts';
export { type AppRouter, allProcedureMeta, appRouter, procedureMeta } from './routers/index.ts';
export { type Settings, SettingsService } from './services/settings.ts';
export { signAccessToken, verifyAccessToken } from './services/tokens.ts';
export { createCallerFactory, type LecternErrorData, type LecternMeta } from './trpc.ts';
