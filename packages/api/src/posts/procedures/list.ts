import { isStaff } from '../../context.ts';
import { paginate } from '../../shared/pagination.ts';
import { readerProcedure } from '../../trpc.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { postsExamples } from '../examples.ts';
import { listOrder, postListInput, postPageOutput } from '../schemas.ts';
import { listVisiblePosts, refusePublicDrafts, toPostSummary } from '../service.ts';

const present = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

export const listPostsProcedure = readerProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/posts',
      tags: ['posts'],
      summary: 'List posts',
      description:
        'Newest first (search results by rank unless `ordering` is given). Non-staff see published posts ' +
        'and their own drafts; deleted posts never appear. A content key (or anyone, while anonymous ' +
        'reading is on) sees published posts only.',
    },
    errors: {
      '403': {
        code: 'PERMISSION_DENIED',
        description: 'A content key asked for drafts (`is_published=false` or `scheduled=true`).',
      },
    },
    examples: postsExamples.list,
  })
  .input(postListInput)
  .output(postPageOutput)
  .query(async ({ ctx, input }) => {
    const user = ctx.user;
    if (!user) refusePublicDrafts(ctx, input);
    const search = present(input.search);
    const order = listOrder(input.ordering, search);
    const page = await paginate(ctx, {
      restPath: '/api/posts/',
      input,
      load: async ({ cursor, ...window }) => {
        const decoded = cursor === undefined ? undefined : decodeCursor(cursor, order);
        const { nextKey, ...rest } = await listVisiblePosts(ctx, {
          viewer: user ? { id: user.id, staff: isStaff(user) } : { id: null, staff: false },
          filters: {
            // Without a user: published posts only (the view the public front page shares in the cache).
            isPublished: user ? input.is_published : true,
            category: present(input.categories),
            author: present(input.author),
            tag: present(input.tag),
            search,
            scheduled: input.scheduled,
          },
          ordering: input.ordering,
          after: decoded?.key,
          knownCount: decoded?.count,
          ...window,
        });
        return { ...rest, nextCursor: nextKey ? encodeCursor(order, nextKey, rest.count) : null };
      },
    });
    return {
      ...page,
      next_cursor: page.next_cursor ?? null,
      results: page.results.map((record) => toPostSummary(ctx, record)),
    };
  });
