import { EXAMPLE_CATEGORY_REF } from '../shared/examples.ts';

/** Request and answer examples of the categories procedures, for the OpenAPI document. */
const category = { ...EXAMPLE_CATEGORY_REF, description: 'Announcements and releases.' };

export const categoriesExamples = {
  list: { response: [category] },
  create: { request: { name: category.name, description: category.description }, response: category },
};
