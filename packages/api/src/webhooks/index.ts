/** What other features and the assembly may use of the webhooks feature. */
export { purgeFinishedDeliveries } from './queries.ts';
export { webhooksRouter } from './router.ts';
export type { Webhook, WebhookDelivery, WebhookEvent, WebhookWithSecret } from './schemas.ts';
export {
  type DeliveryPassResult,
  deliverDueWebhooks,
  retryDelayMs,
  startWebhookWorker,
  type WebhookDeliveryOptions,
  type WebhookWorker,
  type WebhookWorkerLog,
} from './worker.ts';
