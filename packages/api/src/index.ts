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
export { bool, int, queryBool } from './schemas/common.ts';
export { type Settings, SettingsService } from './services/settings.ts';
export { assertSafeKey, LocalDiskStorage, type Storage } from './services/storage.ts';
export { signAccessToken, verifyAccessToken } from './services/tokens.ts';
export {
  detectType,
  type IncomingFile,
  type StoredUpload,
  storeUpload,
  type UploadKind,
  withUpload,
} from './services/uploads.ts';
export { createCallerFactory, type LecternErrorData, type LecternMeta } from './trpc.ts';
