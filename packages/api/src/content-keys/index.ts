/** What other features and the assembly may use of the content-keys feature. */
export { contentKeysRouter } from './router.ts';
export type { ContentKey, CreatedContentKey } from './schemas.ts';
export { authenticateContentKey, isContentKey } from './service.ts';
