import { LocalDiskStorage, type Services, SettingsService } from '@lectern/api';
import type { Database } from '@lectern/db';
import type { Kysely } from 'kysely';
import type { Env } from './env.ts';

/** Builds the long-lived collaborators every request shares. */
export async function createServices(db: Kysely<Database>, env: Env): Promise<Services> {
  const settings = new SettingsService(db, env.SETTINGS_CACHE_MS, {
    maintenance: env.MAINTENANCE,
    allow_registration: env.ALLOW_REGISTRATION,
  });
  await settings.ensure();
  const storage = new LocalDiskStorage(env.MEDIA_ROOT);
  return { settings, storage };
}
