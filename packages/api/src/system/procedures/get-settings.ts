import { z } from 'zod';
import { superuserProcedure } from '../../trpc.ts';
import { systemExamples } from '../examples.ts';
import { settingsOutput } from '../schemas.ts';

export const getSettingsProcedure = superuserProcedure
  .meta({
    openapi: { method: 'GET', path: '/system/settings', tags: ['system'], summary: 'Read runtime switches' },
    maintenanceExempt: 'superuser',
    examples: systemExamples.getSettings,
  })
  .input(z.void())
  .output(settingsOutput)
  .query(({ ctx }) => ctx.services.settings.get());
