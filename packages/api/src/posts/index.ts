/** What other features and the assembly may use of the posts feature. */
export { createPostMultipart, updatePostMultipart } from './multipart.ts';
export { postsRouter } from './router.ts';
export {
  type PublishScheduler,
  type PublishSchedulerOptions,
  publishDuePosts,
  type SchedulerLog,
  startPublishScheduler,
} from './scheduler.ts';
export type { Post, PostSummary } from './schemas.ts';
