import type { Migration } from 'kysely';
import * as m0001 from './0001_settings.ts';
import * as m0002 from './0002_users.ts';
import * as m0003 from './0003_accounts.ts';
import * as m0010 from './0010_content.ts';
import * as m0020 from './0020_content_version.ts';
import * as m0021 from './0021_post_list_cover.ts';
import * as m0030 from './0030_post_revisions.ts';
import * as m0031 from './0031_scheduled_publishing.ts';
import * as m0032 from './0032_content_keys.ts';
import * as m0033 from './0033_content_events.ts';
import * as m0040 from './0040_image_variants.ts';
import * as m0041 from './0041_event_notify.ts';
import * as m0050 from './0050_webhooks.ts';
import * as m0060 from './0060_post_ranking.ts';
import * as m0061 from './0061_post_counts.ts';

/** Every migration, in order. A new file is added here with the next number; names never change. */
export const migrations: Record<string, Migration> = {
  '0001_settings': m0001,
  '0002_users': m0002,
  '0003_accounts': m0003,
  '0010_content': m0010,
  '0020_content_version': m0020,
  '0021_post_list_cover': m0021,
  '0030_post_revisions': m0030,
  '0031_scheduled_publishing': m0031,
  '0032_content_keys': m0032,
  '0033_content_events': m0033,
  '0040_image_variants': m0040,
  '0041_event_notify': m0041,
  '0050_webhooks': m0050,
  '0060_post_ranking': m0060,
  '0061_post_counts': m0061,
};
