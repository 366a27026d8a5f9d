import { router } from '../trpc.ts';
import { deleteFileProcedure } from './procedures/delete.ts';
import { getFileProcedure } from './procedures/get.ts';
import { listFilesProcedure } from './procedures/list.ts';

/** Uploads are a multipart route (POST /api/files: multipart.ts), outside the tRPC router. */
export const filesRouter = router({
  list: listFilesProcedure,
  get: getFileProcedure,
  delete: deleteFileProcedure,
});
