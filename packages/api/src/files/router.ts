import { router } from '../../trpc.ts';
import { deleteFileProcedure } from './delete.ts';
import { getFileProcedure } from './get.ts';
import { listFilesProcedure } from './list.ts';

/** Uploads are a multipart route (POST /api/files), outside the tRPC router. */
export const filesRouter = router({
  list: listFilesProcedure,
  get: getFileProcedure,
  delete: deleteFileProcedure,
});
