import { uploadFileMultipart } from './files/index.ts';
import type { MultipartRoute } from './multipart.ts';
import { createPostMultipart, updatePostMultipart } from './posts/index.ts';
import { updateUserMultipart } from './users/index.ts';

/**
 * Every path that takes multipart bodies (files). The server registers them before the REST bridge;
 * JSON bodies on the same paths run the named procedure, as the bridge would.
 */
export const multipartRoutes: readonly MultipartRoute[] = [
  updateUserMultipart,
  createPostMultipart,
  updatePostMultipart,
  uploadFileMultipart,
];
