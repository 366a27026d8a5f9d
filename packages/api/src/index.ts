/**
 * @lectern/api's public surface: what the server, the bench and the SDK's types use. Test helpers are
 * under `@lectern/api/testing`; everything else stays inside the package (features talk through their
 * own index.ts).
 */
export type { ApiConfig } from './config.ts';
export {
  type AuthedContext,
  type AuthUser,
  type ContentKeyPrincipal,
  type Context,
  type ContextDeps,
  type RequestInfo,
  requireUser,
  type Services,
} from './context.ts';
export { createContext } from './create-context.ts';
export {
  describeError,
  type ErrorInfo,
  type FieldErrors,
  fail,
  isMachineCode,
  LecternError,
  MACHINE_CODES,
  type MachineCode,
  type RestErrorBody,
  type RestErrorResponse,
  renderRestError,
  restErrorResponse,
} from './errors.ts';
export { openEventStream } from './events/index.ts';
export { multipartRoutes } from './http.ts';
export type { MultipartPayload, MultipartRoute } from './multipart.ts';
export {
  createOpenApiDocument,
  type OpenApiDocument,
  serializeOpenApiDocument,
} from './openapi/document.ts';
export {
  type PublishScheduler,
  type PublishSchedulerOptions,
  publishDuePosts,
  type SchedulerLog,
  startPublishScheduler,
} from './posts/index.ts';
export {
  type AppRouter,
  allProcedures,
  appRouter,
  callProcedure,
  type ProcedureInfo,
  procedureAt,
  procedureInfo,
} from './router.ts';
export { ContentCache } from './shared/content-cache.ts';
export {
  type ContentEvent,
  canSee,
  EventHub,
  type EventHubOptions,
  type EventViewer,
} from './shared/event-hub.ts';
export {
  type ImageVariantWorker,
  runImageVariantJobs,
  startImageVariantWorker,
  type VariantJobOutcome,
  type VariantWorkerLog,
  type VariantWorkerOptions,
} from './shared/image-variants.ts';
export { prepareImage, renderVariants, VARIANT_WIDTHS } from './shared/images.ts';
export { type MailLog, MailService, type MailServiceOptions } from './shared/mail.ts';
export { generatePassword, type HashProfile, PasswordHasher, passwordProblems } from './shared/passwords.ts';
export { type RateLimitConfig, RateLimiter } from './shared/rate-limits.ts';
export { S3Storage, type S3StorageOptions } from './shared/s3-storage.ts';
export { type Settings, SettingsService } from './shared/settings.ts';
export { slugBase, userSlug } from './shared/slugs.ts';
export {
  contentTypeOf,
  LocalDiskStorage,
  RangeNotSatisfiableError,
  type ReadOptions,
  type SaveOptions,
  type Storage,
  type StoredObject,
} from './shared/storage.ts';
export { MAX_INPUT_DEPTH } from './shared/text.ts';
export { type IncomingFile, receiveUpload, type StoredUpload } from './shared/uploads.ts';
export {
  createCallerFactory,
  type LecternErrorData,
  type LecternMeta,
  SSE_HEARTBEAT_MS,
  trpcErrorResponse,
} from './trpc.ts';
export { hasSuperuser, insertUser, takenIdentifiers } from './users/index.ts';
export {
  type DeliveryPassResult,
  deliverDueWebhooks,
  startWebhookWorker,
  type WebhookDeliveryOptions,
  type WebhookWorker,
  type WebhookWorkerLog,
} from './webhooks/index.ts';
