import { multipartRoute } from '../multipart.ts';
import { createPostProcedure } from './procedures/create.ts';
import { updatePostProcedure } from './procedures/update.ts';
import { postCreateInput, postUpdateFields } from './schemas.ts';
import { createPost, updatePost } from './service.ts';

const IMAGE = 'An image (JPEG, PNG, WebP, GIF or AVIF by its bytes).';

// In multipart the thumbnail is a file part, not the JSON door's removal flag.
const createFields = postCreateInput.omit({ thumbnail: true });
const updateFields = postUpdateFields.omit({ thumbnail: true });

/** POST /api/posts as multipart: the JSON door's fields and an optional `thumbnail` image. */
export const createPostMultipart = multipartRoute({
  method: 'POST',
  path: '/posts',
  procedure: createPostProcedure,
  fields: createFields,
  files: { thumbnail: { description: IMAGE } },
  handle: (ctx, input, files) => createPost(ctx, input, files.thumbnail ?? null),
});

/** PUT/PATCH /api/posts/{slug} as multipart: a new `thumbnail` replaces the picture; an empty one removes it. */
export const updatePostMultipart = multipartRoute({
  method: 'PATCH',
  path: '/posts/{slug}',
  procedure: updatePostProcedure,
  fields: updateFields,
  files: { thumbnail: { description: `${IMAGE} An empty value removes the thumbnail.` } },
  handle: (ctx, input, files, params) => updatePost(ctx, params.slug ?? '', input, files.thumbnail),
});
