import { router } from '../trpc.ts';
import { createPostProcedure } from './procedures/create.ts';
import { deletePostProcedure } from './procedures/delete.ts';
import { getPostProcedure } from './procedures/get.ts';
import { getRevisionProcedure } from './procedures/get-revision.ts';
import { listPostsProcedure } from './procedures/list.ts';
import { listRevisionsProcedure } from './procedures/list-revisions.ts';
import { listTrashProcedure } from './procedures/list-trash.ts';
import { restorePostProcedure } from './procedures/restore.ts';
import { restoreRevisionProcedure } from './procedures/restore-revision.ts';
import { updatePostProcedure } from './procedures/update.ts';

// Fixed paths (`/posts/trash`) before `/posts/{slug}`: the REST bridge takes the first match.
export const postsRouter = router({
  list: listPostsProcedure,
  create: createPostProcedure,
  listTrash: listTrashProcedure,
  get: getPostProcedure,
  update: updatePostProcedure,
  delete: deletePostProcedure,
  restore: restorePostProcedure,
  revisions: router({
    list: listRevisionsProcedure,
    get: getRevisionProcedure,
    restore: restoreRevisionProcedure,
  }),
});
