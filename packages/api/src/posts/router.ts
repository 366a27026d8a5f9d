import { router } from '../../trpc.ts';
import { createPostProcedure } from './create.ts';
import { deletePostProcedure } from './delete.ts';
import { getPostProcedure } from './get.ts';
import { listPostsProcedure } from './list.ts';
import { restorePostProcedure } from './restore.ts';
import { trashProcedure } from './trash.ts';
import { replacePostProcedure, updatePostProcedure } from './update.ts';

// Fixed paths (`/posts/trash`) before `/posts/{slug}`: the REST bridge takes the first match.
export const postsRouter = router({
  list: listPostsProcedure,
  create: createPostProcedure,
  trash: trashProcedure,
  get: getPostProcedure,
  update: updatePostProcedure,
  replace: replacePostProcedure,
  delete: deletePostProcedure,
  restore: restorePostProcedure,
});
