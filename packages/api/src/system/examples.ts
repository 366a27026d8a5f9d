/** Request and answer examples of the system procedures, for the OpenAPI document. */
export const systemExamples = {
  health: { response: { status: 'healthy', maintenance: false, database: 'ok' } },
  getSettings: { response: { maintenance: false, allow_registration: true, anonymous_read: false } },
  updateSettings: {
    request: { maintenance: true },
    response: { maintenance: true, allow_registration: true, anonymous_read: false },
  },
};
