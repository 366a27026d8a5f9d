import { isStaff } from '../../context.ts';
import { paginate } from '../../shared/pagination.ts';
import { authedProcedure } from '../../trpc.ts';
import { postsExamples } from '../examples.ts';
import { postListInput, postPageOutput } from '../schemas.ts';
import { listVisiblePosts, toPostSummary } from '../service.ts';

const present = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

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
    },
    examples: postsExamples.list,
  })
  .input(postListInput)
  .output(postPageOutput)
  .query(async ({ ctx, input }) => {
    const page = await paginate(ctx, {
      restPath: '/api/posts/',
      input,
      load: (window) =>
        listVisiblePosts(ctx, {
          viewer: { id: ctx.user.id, staff: isStaff(ctx.user) },
          filters: {
            isPublished: input.is_published,
            category: present(input.categories),
            author: present(input.author),
            tag: present(input.tag),
            search: present(input.search),
          },
          ordering: input.ordering,
          ...window,
        }),
    });
    return { ...page, results: page.results.map((record) => toPostSummary(ctx, record)) };
  });
