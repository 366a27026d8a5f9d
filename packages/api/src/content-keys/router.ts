import { router } from '../trpc.ts';
import { createContentKeyProcedure } from './procedures/create.ts';
import { getContentKeyProcedure } from './procedures/get.ts';
import { listContentKeysProcedure } from './procedures/list.ts';
import { revokeContentKeyProcedure } from './procedures/revoke.ts';

export const contentKeysRouter = router({
  list: listContentKeysProcedure,
  create: createContentKeyProcedure,
  get: getContentKeyProcedure,
  revoke: revokeContentKeyProcedure,
});
