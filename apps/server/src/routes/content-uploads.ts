import {
  createPostFromJson,
  createPostFromMultipart,
  postCreateInput,
  postUpdateFields,
  updatePostFromJson,
  updatePostFromMultipart,
  uploadGalleryFile,
} from '@lectern/api';
import { z } from 'zod';
import type { UploadRoute } from '../plugins/uploads.ts';

/**
 * POST /api/posts and PUT/PATCH /api/posts/:slug take JSON (through the procedures) or multipart
 * with a `thumbnail`; POST /api/files is multipart only (a JSON body is 415).
 */
export const contentUploadRoutes: UploadRoute[] = [
  {
    method: 'POST',
    url: '/api/posts',
    fileFields: ['thumbnail'],
    authenticated: true,
    multipart: (ctx, payload) => createPostFromMultipart(ctx, payload),
    json: (ctx, body) => createPostFromJson(ctx, body),
    successStatus: 201,
  },
  ...(['PUT', 'PATCH'] as const).map(
    (method): UploadRoute => ({
      method,
      url: '/api/posts/:slug',
      fileFields: ['thumbnail'],
      authenticated: true,
      multipart: (ctx, payload, params) => updatePostFromMultipart(ctx, payload, params),
      json: (ctx, body, params) => updatePostFromJson(ctx, body, params, method),
    }),
  ),
  {
    method: 'POST',
    url: '/api/files',
    fileFields: ['file'],
    authenticated: true,
    multipart: (ctx, payload) => uploadGalleryFile(ctx, payload),
    successStatus: 201,
  },
];

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});

/** The JSON body schema, from the same zod schema the procedure validates with. */
function jsonBody(schema: z.ZodType): Json {
  const { $schema: _ignored, ...body } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return body;
}

const multipartBool = { type: 'string', enum: ['true', 'false', '1', '0', 'on'] };

function multipartPost(requireTitle: boolean): Json {
  return {
    type: 'object',
    ...(requireTitle ? { required: ['title'] } : {}),
    properties: {
      title: { type: 'string', minLength: 1, maxLength: 250 },
      body: { type: 'string', description: 'HTML; sanitised on write.' },
      excerpt: { type: 'string', maxLength: 1000, description: 'Empty: computed from the body.' },
      tags: { type: 'string', description: 'A JSON list of strings, e.g. `["news","tech"]`.' },
      categories: {
        type: 'array',
        items: { type: 'string' },
        description: 'Category ids: the field repeated, or one JSON list such as `[1,2]`.',
      },
      is_published: multipartBool,
      thumbnail: {
        type: 'string',
        format: 'binary',
        description: requireTitle
          ? 'An image (JPEG, PNG, WebP, GIF or AVIF by its bytes).'
          : 'A new image replaces the thumbnail; an empty value removes it.',
      },
    },
  };
}

const common = {
  '400': {
    description: 'Invalid input: a map of field name to messages',
    content: { 'application/json': { schema: ref('ValidationError') } },
  },
  '401': error('Not authenticated, or the token is invalid (`NOT_AUTHENTICATED`, `TOKEN_INVALID`)'),
  '413': error('The upload is larger than the limit (`PAYLOAD_TOO_LARGE`)'),
  '415': error('The file type is not accepted, judged by its bytes (`UNSUPPORTED_MEDIA_TYPE`)'),
  '500': error('Internal error (`INTERNAL_ERROR`)'),
  '503': { description: 'Maintenance mode', content: { 'application/json': { schema: ref('Maintenance') } } },
};

const createPost: Json = {
  operationId: 'posts-create',
  summary: 'Create a post, optionally with a thumbnail',
  description:
    'JSON, or multipart with a `thumbnail` image (`tags` as a JSON string; `categories` as repeated ' +
    'fields or a JSON string). The body is sanitised; the excerpt is computed from it unless one is sent.',
  tags: ['posts'],
  security: [{ bearerAuth: [] }],
  requestBody: {
    required: true,
    content: {
      'application/json': { schema: jsonBody(postCreateInput) },
      'multipart/form-data': { schema: multipartPost(true) },
    },
  },
  responses: {
    '201': { description: 'Created', content: { 'application/json': { schema: ref('Post') } } },
    ...common,
  },
};

function updatePost(method: 'put' | 'patch'): Json {
  return {
    operationId: method === 'put' ? 'posts-replace' : 'posts-update',
    summary: 'Update a post, optionally with a new thumbnail',
    description:
      'Changes only the fields sent (PUT and PATCH alike); the slug stays. Owner or staff: another ' +
      "user's published post is 403, their draft or any deleted post 404. In multipart, a new " +
      '`thumbnail` replaces the picture and an empty value removes it; in JSON, `thumbnail: null` or `""` ' +
      'removes it and a URL is ignored.',
    tags: ['posts'],
    security: [{ bearerAuth: [] }],
    parameters: [{ name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: jsonBody(postUpdateFields) },
        'multipart/form-data': { schema: multipartPost(false) },
      },
    },
    responses: {
      '200': { description: 'The full post', content: { 'application/json': { schema: ref('Post') } } },
      ...common,
      '403': error("Another user's published post (`PERMISSION_DENIED`)"),
      '404': error("No such post, a deleted one, or another user's draft (`NOT_FOUND`)"),
    },
  };
}

const uploadFile: Json = {
  operationId: 'files-create',
  summary: 'Upload a file to the gallery',
  description:
    'Multipart only. Accepted by content: images, PDF, plain text, CSV, ZIP and office documents; HTML, ' +
    'SVG and executables are refused (415). `title` defaults to the original file name.',
  tags: ['files'],
  security: [{ bearerAuth: [] }],
  requestBody: {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['file'],
          properties: {
            file: { type: 'string', format: 'binary' },
            title: { type: 'string', maxLength: 255 },
          },
        },
      },
    },
  },
  responses: {
    '201': { description: 'Created', content: { 'application/json': { schema: ref('GalleryFile') } } },
    ...common,
  },
};

export const contentUploadPaths: Record<string, Record<string, Json>> = {
  '/posts': { post: createPost },
  '/posts/{slug}': { put: updatePost('put'), patch: updatePost('patch') },
  '/files': { post: uploadFile },
};
