/**
 * Values the OpenAPI document's examples share. Redocly's linter checks every example against its
 * schema (extra properties refused), so they cannot drift from the API.
 */
export const EXAMPLE_TIME = '2026-11-27T09:30:00.000Z';
export const EXAMPLE_LATER = '2026-11-27T10:15:00.000Z';
export const EXAMPLE_AUTHOR = { id: 7, username: 'ada', slug: 'ada-1f3a9c2e' };
export const EXAMPLE_ACCESS_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl';
export const EXAMPLE_REFRESH_TOKEN = 'f3c1e0b4a9d84e5c8a1b2c3d4e5f6a7b.0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a';
export const EXAMPLE_CATEGORY_REF = { id: 3, name: 'News', slug: 'news' };
