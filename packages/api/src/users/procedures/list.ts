import { z } from 'zod';
import { pageOf, pageParams, paginate } from '../../pagination.ts';
import { listUsers } from '../../queries/users.ts';
import { queryBool } from '../../schemas/common.ts';
import { staffProcedure } from '../../trpc.ts';
import { toListItem, userListItem } from './schemas.ts';

export const listUsersInput = z.object({
  ...pageParams,
  is_verified: queryBool().optional(),
  is_staff: queryBool().optional(),
  search: z
    .string()
    .max(254)
    .optional()
    .meta({ description: 'Case-insensitive match on email or username.' }),
});

export const list = staffProcedure
  .meta({
    openapi: { method: 'GET', path: '/users', tags: ['users'], summary: 'List users (staff)', protect: true },
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
