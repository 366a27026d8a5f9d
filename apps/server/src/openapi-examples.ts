/**
 * Examples shown in the OpenAPI document, by procedure path: a JSON request body and the success
 * answer. The linter checks each one against its schema (no-invalid-media-type-examples), so they
 * cannot drift from the API.
 */
export const OPERATION_EXAMPLES: Record<string, { request?: unknown; response?: unknown }> = {
  'system.health': { response: { status: 'healthy', maintenance: false, database: 'ok' } },
  'system.getSettings': { response: { maintenance: false, allow_registration: true } },
  'system.updateSettings': {
    request: { maintenance: true },
    response: { maintenance: true, allow_registration: true },
  },
};
