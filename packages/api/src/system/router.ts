import { router } from '../trpc.ts';
import { getSettingsProcedure } from './procedures/get-settings.ts';
import { healthProcedure } from './procedures/health.ts';
import { updateSettingsProcedure } from './procedures/update-settings.ts';

export const systemRouter = router({
  health: healthProcedure,
  settings: router({ get: getSettingsProcedure, update: updateSettingsProcedure }),
});
