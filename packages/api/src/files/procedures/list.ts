import { paginate } from '../../shared/pagination.ts';
import { readerProcedure } from '../../trpc.ts';
import { listFiles } from '../queries.ts';
import { fileListInput, filePageOutput } from '../schemas.ts';
import { toGalleryFile } from '../service.ts';

export const listFilesProcedure = readerProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/files',
      tags: ['files'],
      summary: 'List gallery files',
      description: 'Newest first; `search` matches a substring of the title, case-insensitively.',
    },
  })
  .input(fileListInput)
  .output(filePageOutput)
  .query(async ({ ctx, input }) => {
    const search = input.search?.trim() || undefined;
    const page = await paginate(ctx, {
      restPath: '/api/files/',
      input,
      load: (window) => listFiles(ctx.db, { search, ...window }),
    });
    return { ...page, results: page.results.map((record) => toGalleryFile(ctx, record)) };
  });
