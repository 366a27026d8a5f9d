import { EXAMPLE_AUTHOR, EXAMPLE_CATEGORY_REF, EXAMPLE_LATER, EXAMPLE_TIME } from '../shared/examples.ts';

/** Request and answer examples of the posts procedures, for the OpenAPI document. */
const post = {
  id: 42,
  title: 'Hello, Lectern',
  slug: 'hello-lectern-a1b2c3',
  body: '<p>First post, with <strong>formatting</strong>.</p>',
  excerpt: 'First post, with formatting.',
  tags: ['news', 'lectern'],
  categories: [EXAMPLE_CATEGORY_REF],
  thumbnail: 'https://cms.example.com/media/ada-1f3a9c2e/posts/5b2e7c1d.jpg',
  variants: [
    {
      url: 'https://cms.example.com/media/ada-1f3a9c2e/posts/5b2e7c1d-320w.webp',
      width: 320,
      height: 168,
      format: 'webp',
    },
    {
      url: 'https://cms.example.com/media/ada-1f3a9c2e/posts/5b2e7c1d-320w.jpg',
      width: 320,
      height: 168,
      format: 'jpeg',
    },
  ],
  author: EXAMPLE_AUTHOR,
  is_published: true,
  published_at: EXAMPLE_LATER,
  publish_at: null,
  created_at: EXAMPLE_LATER,
  updated_at: EXAMPLE_LATER,
};
const { body: _body, ...summary } = post;

const revision = {
  id: 118,
  kind: 'update',
  title: post.title,
  excerpt: post.excerpt,
  tags: post.tags,
  categories: post.categories,
  thumbnail: null,
  is_published: true,
  restored_from: null,
  created_by: EXAMPLE_AUTHOR,
  created_at: EXAMPLE_LATER,
};

export const postsExamples = {
  create: {
    request: {
      title: post.title,
      body: post.body,
      tags: post.tags,
      categories: [EXAMPLE_CATEGORY_REF.id],
      is_published: true,
    },
    response: post,
  },
  list: {
    response: {
      count: 21,
      next: 'https://cms.example.com/api/posts/?page=2',
      previous: null,
      next_cursor: 'eyJvIjoiLWNyZWF0ZWRfYXQiLCJrIjpbIjIwMjYtMDMtMDFUMDk6MDA6MDAuMTIzNDU2KzAwOjAwIiw0Ml19',
      results: [summary],
    },
  },
  get: { response: post },
  listRevisions: {
    response: {
      count: 2,
      next: null,
      previous: null,
      results: [revision, { ...revision, id: 117, kind: 'create', title: 'Hello', created_at: EXAMPLE_TIME }],
    },
  },
  getRevision: { response: { ...revision, body: post.body } },
};
