import { paginate } from '../../shared/pagination.ts';
import { staffProcedure } from '../../trpc.ts';
import { contentKeysExamples } from '../examples.ts';
import { contentKeyListInput, contentKeyPageOutput } from '../schemas.ts';
import { listKeys } from '../service.ts';

export const listContentKeysProcedure = staffProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/content-keys',
      tags: ['content-keys'],
      summary: 'List content keys (staff)',
      description: 'Newest first, revoked ones included unless `revoked=false`. Never the keys themselves.',
    },
    examples: contentKeysExamples.list,
  })
  .input(contentKeyListInput)
  .output(contentKeyPageOutput)
  .query(({ ctx, input }) =>
    paginate(ctx, {
      restPath: '/api/content-keys/',
      input,
      load: (window) => listKeys(ctx, { revoked: input.revoked, ...window }),
    }),
  );
