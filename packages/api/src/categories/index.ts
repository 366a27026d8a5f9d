/** What other features and the assembly may use of the categories feature. */
export { categoriesRouter } from './router.ts';
export type { Category } from './schemas.ts';
