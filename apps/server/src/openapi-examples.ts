/**
 * Examples shown in the OpenAPI document, by procedure path: a JSON request body and the success
 * answer. Redocly's linter checks each one against its schema (no-invalid-media-type-examples, extra
 * properties refused), so they cannot drift from the API.
 */
const at = '2026-11-27T09:30:00.000Z';
const later = '2026-11-27T10:15:00.000Z';
const ada = { id: 7, username: 'ada', slug: 'ada-1f3a9c2e' };
const accessToken = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl';
const refreshToken = 'f3c1e0b4a9d84e5c8a1b2c3d4e5f6a7b.0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a';

const profile = {
  ...ada,
  email: 'ada@example.com',
  bio: 'Engineer and writer.',
  address: '',
  profile_pic: 'https://cms.example.com/media/ada-1f3a9c2e/profile-8d1c0b2a.png',
  is_verified: true,
  is_staff: false,
  is_superuser: false,
  date_joined: at,
  updated_at: later,
};

const category = { id: 3, name: 'News', slug: 'news' };

const post = {
  id: 42,
  title: 'Hello, Lectern',
  slug: 'hello-lectern-a1b2c3',
  body: '<p>First post, with <strong>formatting</strong>.</p>',
  excerpt: 'First post, with formatting.',
  tags: ['news', 'lectern'],
  categories: [category],
  thumbnail: null,
  author: ada,
  is_published: true,
  published_at: later,
  created_at: later,
  updated_at: later,
};
const { body: _body, ...postSummary } = post;

const galleryFile = {
  id: 5,
  title: 'Quarterly report',
  file: 'https://cms.example.com/media/file_gallery/6b1f2c3d.pdf',
  size: 48213,
  content_type: 'application/pdf',
  uploaded_by: ada,
  uploaded_at: later,
};

export const OPERATION_EXAMPLES: Record<string, { request?: unknown; response?: unknown }> = {
  'system.health': { response: { status: 'healthy', maintenance: false, database: 'ok' } },
  'system.getSettings': { response: { maintenance: false, allow_registration: true } },
  'system.updateSettings': {
    request: { maintenance: true },
    response: { maintenance: true, allow_registration: true },
  },
  'users.register': {
    request: { email: 'ada@example.com', password: 'Quartz-Lantern-Ferry-41', username: 'ada' },
    response: {
      ...ada,
      email: 'ada@example.com',
      is_verified: false,
      message: 'Account created. Check your email for the verification code.',
    },
  },
  'users.verifyOtp': {
    request: { email: 'ada@example.com', otp: '402913' },
    response: {
      message: 'Email verified. You can now log in.',
      user: { id: 7, email: 'ada@example.com', is_verified: true },
    },
  },
  'users.login': {
    request: { email: 'ada@example.com', password: 'Quartz-Lantern-Ferry-41' },
    response: {
      access: accessToken,
      refresh: refreshToken,
      user: {
        ...ada,
        email: 'ada@example.com',
        is_verified: true,
        is_staff: false,
        is_superuser: false,
      },
    },
  },
  'users.refreshToken': {
    request: { refresh: refreshToken },
    response: { access: accessToken, refresh: `${refreshToken.slice(0, -4)}9f8e` },
  },
  'users.forgetPassword': {
    request: { email: 'ada@example.com' },
    response: { message: 'OTP sent to your email' },
  },
  'users.me': { response: profile },
  'posts.create': {
    request: {
      title: 'Hello, Lectern',
      body: '<p>First post, with <strong>formatting</strong>.</p>',
      tags: ['news', 'lectern'],
      categories: [3],
      is_published: true,
    },
    response: post,
  },
  'posts.list': {
    response: {
      count: 21,
      next: 'https://cms.example.com/api/posts/?page=2',
      previous: null,
      results: [postSummary],
    },
  },
  'posts.get': { response: post },
  'categories.list': { response: [{ ...category, description: 'Announcements and releases.' }] },
  'categories.create': {
    request: { name: 'News', description: 'Announcements and releases.' },
    response: { ...category, description: 'Announcements and releases.' },
  },
  'files.get': { response: galleryFile },
};
