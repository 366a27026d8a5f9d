import { EXAMPLE_AUTHOR, EXAMPLE_LATER, EXAMPLE_TIME } from '../shared/examples.ts';

/** Request and answer examples of the content-key procedures, for the OpenAPI document. */
const key = {
  id: 4,
  name: 'Marketing site (production)',
  prefix: 'lk_Q2hvb3Nl',
  created_by: EXAMPLE_AUTHOR,
  created_at: EXAMPLE_TIME,
  last_used_at: EXAMPLE_LATER,
  revoked_at: null,
};

export const contentKeysExamples = {
  create: {
    request: { name: key.name },
    response: {
      ...key,
      last_used_at: null,
      key: 'lk_Q2hvb3NlIGEgbG9uZyByYW5kb20ga2V5IGFuZCBrZWVwIGl0',
    },
  },
  list: { response: { count: 1, next: null, previous: null, results: [key] } },
  revoke: { response: { ...key, revoked_at: EXAMPLE_LATER } },
};
