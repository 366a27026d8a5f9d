/** What other features and the assembly may use of the live-events feature. */
export { eventsPath } from './openapi.ts';
export { eventsRouter } from './router.ts';
export { type ContentEvent, contentEventSchema } from './schemas.ts';
export { eventViewerOf, openEventStream } from './service.ts';
