import { MAINTENANCE_BODY } from '../errors.ts';
import { json, schemaRef } from '../openapi/responses.ts';

/**
 * The document's entry for `/health-check`: a plain route of the server (outside `/api`, for load
 * balancers) that answers what `system.health` answers.
 */
export const healthCheckPath = {
  '/health-check': {
    get: {
      operationId: 'healthCheck',
      summary: 'Health check for load balancers',
      description:
        'Outside `/api`, with the same answer as `GET /api/system/health`. No token needed. During ' +
        'maintenance mode it answers 503 with the maintenance body.',
      tags: ['system'],
      security: [],
      responses: {
        '200': {
          description: 'Healthy',
          content: json(schemaRef('Health'), {
            healthy: { summary: 'Healthy', value: { status: 'healthy', maintenance: false, database: 'ok' } },
          }),
        },
        '503': {
          description: 'Database unavailable (`status: "unhealthy"`), or maintenance mode.',
          content: json(
            { oneOf: [schemaRef('Health'), schemaRef('Maintenance')] },
            {
              unhealthy: {
                summary: 'Database down',
                value: { status: 'unhealthy', maintenance: false, database: 'unavailable' },
              },
              maintenance: {
                summary: 'Maintenance mode',
                value: MAINTENANCE_BODY,
              },
            },
          ),
        },
      },
    },
  },
};
