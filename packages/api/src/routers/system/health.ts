import { sql } from 'kysely';
import { z } from 'zod';
import { publicProcedure } from '../../trpc.ts';

export const healthOutput = z
  .object({
    status: z.enum(['healthy', 'unhealthy']),
    maintenance: z.boolean(),
    database: z.enum(['ok', 'unavailable']),
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof healthOutput>;

export const health = publicProcedure
  .meta({
    openapi: { method: 'GET', path: '/system/health', tags: ['system'], summary: 'Health check' },
    maintenanceExempt: 'everyone',
  })
  .input(z.void())
  .output(healthOutput)
  .query(async ({ ctx }): Promise<Health> => {
    let database: Health['database'] = 'ok';
    let maintenance = false;
    try {
      await sql`select 1`.execute(ctx.db);
    } catch {
      database = 'unavailable';
    }
    try {
      // During an outage the settings service answers from its cache (the last value it read).
      maintenance = (await ctx.services.settings.get()).maintenance;
    } catch {
      database = 'unavailable';
    }
    if (database !== 'ok') ctx.http.status = 503;
    return { status: database === 'ok' ? 'healthy' : 'unhealthy', maintenance, database };
  });
