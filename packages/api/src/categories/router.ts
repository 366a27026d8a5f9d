import { router } from '../../trpc.ts';
import { createCategoryProcedure } from './create.ts';
import { deleteCategoryProcedure } from './delete.ts';
import { getCategoryProcedure } from './get.ts';
import { listCategoriesProcedure } from './list.ts';
import { replaceCategoryProcedure, updateCategoryProcedure } from './update.ts';

export const categoriesRouter = router({
  list: listCategoriesProcedure,
  create: createCategoryProcedure,
  get: getCategoryProcedure,
  update: updateCategoryProcedure,
  replace: replaceCategoryProcedure,
  delete: deleteCategoryProcedure,
});
