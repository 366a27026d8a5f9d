import { staffProcedure } from '../../trpc.ts';
import { contentKeysExamples } from '../examples.ts';
import { contentKeyCreateInput, createdContentKeyOutput } from '../schemas.ts';
import { createContentKey } from '../service.ts';

export const createContentKeyProcedure = staffProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/content-keys',
      tags: ['content-keys'],
      summary: 'Create a content key (staff)',
      description:
        'A read-only key for a site frontend: it reads published posts, categories and files, nothing ' +
        'else. The answer carries the key itself (`key`), shown this once: only its hash is stored.',
    },
    successStatus: 201,
    examples: contentKeysExamples.create,
  })
  .input(contentKeyCreateInput)
  .output(createdContentKeyOutput)
  .mutation(({ ctx, input }) => createContentKey(ctx, input.name));
