import { updateUserFromJson, updateUserFromMultipart } from '@lectern/api';
import type { UploadRoute } from '../plugins/uploads.ts';

/** PUT/PATCH /api/users/:slug: JSON (through the procedure) or multipart with a `profile_pic` file. */
export const userUploadRoutes: UploadRoute[] = (['PUT', 'PATCH'] as const).map((method) => ({
  method,
  url: '/api/users/:slug',
  fileFields: ['profile_pic'],
  multipart: (ctx, payload, params) => updateUserFromMultipart(ctx, payload, params),
  json: (ctx, body, params) => updateUserFromJson(ctx, body, params, method),
}));

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});

const textFields = {
  username: {
    type: 'string',
    pattern: '^[A-Za-z0-9@.+_-]{3,150}$',
    description: 'Unique (case-insensitive); the slug does not change.',
  },
  bio: { type: 'string', maxLength: 5000 },
  address: { type: 'string', maxLength: 1000 },
};
const flagNote = 'Only staff change is_staff/is_verified; only superusers change is_superuser.';

function operation(method: 'put' | 'patch') {
  return {
    operationId: method === 'put' ? 'users-replace' : 'users-update',
    summary: 'Update a profile (owner or staff), optionally with a new profile picture',
    description:
      'Only the fields sent change (PUT and PATCH alike); read-only fields (id, email, slug, dates, a ' +
      `profile_pic URL) are ignored. ${flagNote} A field set to its current value is harmless. In ` +
      'multipart, `profile_pic` is an image file (JPEG, PNG, WebP, GIF or AVIF by its bytes) or an empty ' +
      'value to remove the picture.',
    tags: ['users'],
    security: [{ bearerAuth: [] }],
    parameters: [{ name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              ...textFields,
              is_verified: { type: 'boolean' },
              is_staff: { type: 'boolean' },
              is_superuser: { type: 'boolean' },
              profile_pic: {
                type: ['string', 'null'],
                description: '`""` or null removes the picture; a URL string is ignored.',
              },
            },
          },
        },
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: {
              ...textFields,
              is_verified: { type: 'string', enum: ['true', 'false', '1', '0', 'on'] },
              is_staff: { type: 'string', enum: ['true', 'false', '1', '0', 'on'] },
              is_superuser: { type: 'string', enum: ['true', 'false', '1', '0', 'on'] },
              profile_pic: {
                type: 'string',
                format: 'binary',
                description: 'An image file; an empty value removes the picture.',
              },
            },
          },
        },
      },
    },
    responses: {
      '200': {
        description: 'The full profile',
        content: { 'application/json': { schema: ref('UserProfile') } },
      },
      '400': {
        description: 'Invalid input: a map of field name to messages',
        content: { 'application/json': { schema: ref('ValidationError') } },
      },
      '401': error('Not authenticated, or the token is invalid (`NOT_AUTHENTICATED`, `TOKEN_INVALID`)'),
      '403': error('Not the owner or staff, or a role flag the caller may not change (`PERMISSION_DENIED`)'),
      '404': error('No such user (`NOT_FOUND`)'),
      '413': error('The picture is larger than the upload limit (`PAYLOAD_TOO_LARGE`)'),
      '415': error('The picture is not a JPEG, PNG, WebP, GIF or AVIF image (`UNSUPPORTED_MEDIA_TYPE`)'),
      '500': error('Internal error (`INTERNAL_ERROR`)'),
      '503': {
        description: 'Maintenance mode',
        content: { 'application/json': { schema: ref('Maintenance') } },
      },
    },
  };
}

export const userUploadPaths: Record<string, Record<string, Record<string, unknown>>> = {
  '/users/{slug}': { put: operation('put'), patch: operation('patch') },
};
