import { router } from '../../trpc.ts';
import { health } from './health.ts';
import { getSettings, replaceSettings, updateSettings } from './settings.ts';

export const systemRouter = router({ health, getSettings, updateSettings, replaceSettings });
