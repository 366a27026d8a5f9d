import { router } from '../trpc.ts';
import { createWebhookProcedure } from './procedures/create.ts';
import { deleteWebhookProcedure } from './procedures/delete.ts';
import { getWebhookProcedure } from './procedures/get.ts';
import { getWebhookDeliveryProcedure } from './procedures/get-delivery.ts';
import { listWebhooksProcedure } from './procedures/list.ts';
import { listWebhookDeliveriesProcedure } from './procedures/list-deliveries.ts';
import { pingWebhookProcedure } from './procedures/ping.ts';
import { redeliverWebhookProcedure } from './procedures/redeliver.ts';
import { rotateWebhookSecretProcedure } from './procedures/rotate-secret.ts';
import { updateWebhookProcedure } from './procedures/update.ts';

export const webhooksRouter = router({
  list: listWebhooksProcedure,
  create: createWebhookProcedure,
  listDeliveries: listWebhookDeliveriesProcedure,
  getDelivery: getWebhookDeliveryProcedure,
  redeliver: redeliverWebhookProcedure,
  ping: pingWebhookProcedure,
  rotateSecret: rotateWebhookSecretProcedure,
  get: getWebhookProcedure,
  update: updateWebhookProcedure,
  delete: deleteWebhookProcedure,
});
