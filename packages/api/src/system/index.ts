/** What the assembly may use of the system feature. */

export { healthCheckPath } from './openapi.ts';
export { systemRouter } from './router.ts';
export type { Health } from './schemas.ts';
