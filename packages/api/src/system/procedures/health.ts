import { z } from 'zod';
import { publicProcedure } from '../../trpc.ts';
import { systemExamples } from '../examples.ts';
import { pingDatabase } from '../queries.ts';
import { type Health, healthOutput } from '../schemas.ts';

export const healthProcedure = publicProcedure
  .meta({
    openapi: { method: 'GET', path: '/system/health', tags: ['system'], summary: 'Health check' },
    maintenanceExempt: 'everyone',
    examples: systemExamples.health,
  })
  .input(z.void())
  .output(healthOutput)
  .query(async ({ ctx }): Promise<Health> => {
    let database: Health['database'] = 'ok';
    let maintenance = false;
    try {
      await pingDatabase(ctx.db);
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
