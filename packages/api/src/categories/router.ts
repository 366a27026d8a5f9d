import { router } from '../trpc.ts';
import { createCategoryProcedure } from './procedures/create.ts';
import { deleteCategoryProcedure } from './procedures/delete.ts';
import { getCategoryProcedure } from './procedures/get.ts';
import { listCategoriesProcedure } from './procedures/list.ts';
import { updateCategoryProcedure } from './procedures/update.ts';

export const categoriesRouter = router({
  list: listCategoriesProcedure,
  create: createCategoryProcedure,
  get: getCategoryProcedure,
  update: updateCategoryProcedure,
  delete: deleteCategoryProcedure,
});
