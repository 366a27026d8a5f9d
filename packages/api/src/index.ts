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
export {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type Page,
  pageOf,
  pageParams,
  pageWindow,
  paginate,
} from './pagination.ts';
export { hasSuperuser, insertUser as insertUserRow, takenIdentifiers } from './queries/users.ts';
export type { Category } from './routers/categories/schemas.ts';
export type { GalleryFile } from './routers/files/schemas.ts';
export { type AppRouter, allProcedureMeta, appRouter, procedureMeta } from './routers/index.ts';
export {
  type Post,
  type PostSummary,
  postCreateInput,
  postUpdateFields,
} from './routers/posts/schemas.ts';
export type { PublicUserProfile, UserListItem, UserProfile } from './routers/users/schemas.ts';
export { bool, int, queryBool } from './schemas/common.ts';
export { userSlug } from './services/accounts.ts';
export { type CodePurpose, generateCode } from './services/codes.ts';
export { ContentCache } from './services/content-cache.ts';
export { excerptOf, htmlToText, sanitizeBody } from './services/html.ts';
export {
  codeMail,
  type MailLog,
  type MailMessage,
  MailService,
  type MailServiceOptions,
} from './services/mail.ts';
export {
  commonPasswordCount,
  generatePassword,
  type HashProfile,
  OWASP_PARAMS,
  PasswordHasher,
  passwordProblems,
  similarityRatio,
} from './services/passwords.ts';
export { type LimitedAction, type RateLimitConfig, RateLimiter } from './services/rate-limits.ts';
export { type Settings, SettingsService } from './services/settings.ts';
export { slugBase } from './services/slugs.ts';
export { assertSafeKey, LocalDiskStorage, type Storage } from './services/storage.ts';
export { hashToken, signAccessToken, verifyAccessToken } from './services/tokens.ts';
export {
  detectType,
  type IncomingFile,
  type StoredUpload,
  storeUpload,
  type UploadKind,
  withUpload,
} from './services/uploads.ts';
export { createCallerFactory, type LecternErrorData, type LecternMeta } from './trpc.ts';
export {
  createPostFromJson,
  createPostFromMultipart,
  updatePostFromJson,
  updatePostFromMultipart,
  uploadGalleryFile,
} from './uploads/content.ts';
export { type MultipartFields, updateUserFromJson, updateUserFromMultipart } from './uploads/users.ts';
