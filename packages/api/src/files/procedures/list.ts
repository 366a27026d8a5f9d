import { paginate } from '../../pagination.ts';
import { listFiles } from '../../queries/files.ts';
import { toGalleryFile } from '../../services/files.ts';
import { authedProcedure } from '../../trpc.ts';
import { fileListInput, filePageOutput } from './schemas.ts';

export const listFilesProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/files',
      tags: ['files'],
      summary: 'List gallery files',
      description: 'Newest first; `search` matches a substring of the title, case-insensitively.',
      protect: true,
    },
  })
  .input(fileListInput)
  .output(filePageOutput)
  .query(async ({ ctx, input }) => {
    const search = input.search?.trim() ? input.search.trim() : undefined;
    const page = await paginate(ctx, {
      restPath: '/api/files/',
      input,
      load: (window) => listFiles(ctx.db, { search, ...window }),
    });
    return { ...page, results: page.results.map((record) => toGalleryFile(ctx, record)) };
  });
