import { pageOf, paginate } from '../../shared/pagination.ts';
import { staffProcedure } from '../../trpc.ts';
import { listUsers } from '../queries.ts';
import { listUsersInput, userListItem } from '../schemas.ts';
import { toListItem } from '../service.ts';

export const listUsersProcedure = staffProcedure
  .meta({
    openapi: { method: 'GET', path: '/users', tags: ['users'], summary: 'List users (staff)' },
  })
  .input(listUsersInput)
  .output(pageOf(userListItem, 'UserPage'))
  .query(({ ctx, input }) =>
    paginate(ctx, {
      restPath: '/api/users/',
      input,
      load: async (window) => {
        const { count, results } = await listUsers(ctx.db, input, window);
        return { count, results: results.map(toListItem) };
      },
    }),
  );
