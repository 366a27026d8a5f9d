import { paginate } from '../../pagination.ts';
import { listPosts, type PostListOptions } from '../../queries/posts.ts';
import { isStaff } from '../../services/access.ts';
import { postListCacheKey } from '../../services/content-cache.ts';
import { toPostSummary } from '../../services/posts.ts';
import { authedProcedure } from '../../trpc.ts';
import { postListInput, postPageOutput } from './schemas.ts';

const present = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value;

export const listPostsProcedure = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/posts',
      tags: ['posts'],
      summary: 'List posts',
      description:
        'Newest first (search results by rank unless `ordering` is given). Non-staff see published posts ' +
        'and their own drafts; deleted posts never appear.',
      protect: true,
    },
  })
  .input(postListInput)
  .output(postPageOutput)
  .query(async ({ ctx, input }) => {
    const search = present(input.search)?.trim();
    const page = await paginate(ctx, {
      restPath: '/api/posts/',
      input,
      load: (window) => {
        const options: PostListOptions = {
          viewer: { id: ctx.user.id, staff: isStaff(ctx.user) },
          filters: {
            isPublished: input.is_published,
            category: present(input.categories),
            author: present(input.author),
            tag: present(input.tag)?.trim(),
            search,
          },
          ordering: input.ordering,
          ...window,
        };
        // Content cache hook (services/content-cache.ts): count and page at the current content version.
        return ctx.services.contentCache.through(postListCacheKey(options), () => listPosts(ctx.db, options));
      },
    });
    return { ...page, results: page.results.map((record) => toPostSummary(ctx, record)) };
  });
