/**
 * The demo data set of `pnpm db:seed`: a staff editor and two authors, categories, posts with
 * thumbnails (published, drafts, one in the trash) and gallery files — written through the same
 * procedures and multipart routes as the API, so bodies are sanitised and slugs, excerpts and files
 * made exactly as for real content.
 */
import {
  type AuthUser,
  type Context,
  type ContextDeps,
  callProcedure,
  insertUser,
  multipartRoutes,
  receiveUpload,
  takenIdentifiers,
  userSlug,
} from '@lectern/api';
import sharp from 'sharp';

/** Every demo account's password (it passes the password rules). */
export const DEMO_PASSWORD = 'Lectern-Demo-Password-26';

const PEOPLE = [
  { email: 'editor@demo.lectern', username: 'editor', is_staff: true, bio: 'Keeps the site tidy.' },
  { email: 'ada@demo.lectern', username: 'ada', is_staff: false, bio: 'Writes about engines and numbers.' },
  { email: 'grace@demo.lectern', username: 'grace', is_staff: false, bio: 'Compilers, mostly.' },
] as const;

const CATEGORIES = [
  { name: 'News', description: 'Announcements and releases.' },
  { name: 'Engineering', description: 'How things are built.' },
  { name: 'Design', description: 'Type, colour and layout.' },
  { name: 'Culture', description: 'People and practice.' },
];

const TOPICS = [
  ['The analytical engine, revisited', ['history', 'engines'], 'Engineering', '#3b5bdb'],
  ['Notes on a compiler', ['compilers', 'tools'], 'Engineering', '#2f9e44'],
  ['Release 0.1: a headless CMS', ['release'], 'News', '#e8590c'],
  ['Choosing a typeface for long reads', ['typography'], 'Design', '#ae3ec9'],
  ['What makes an editor happy', ['editing', 'workflow'], 'Culture', '#0c8599'],
  ['Search that ranks titles first', ['search', 'postgres'], 'Engineering', '#c2255c'],
  ['Colour contrast in practice', ['accessibility', 'colour'], 'Design', '#5f3dc4'],
  ['Working in the open', ['community'], 'Culture', '#d9480f'],
  ['Small pages, fast sites', ['performance'], 'Engineering', '#1971c2'],
  ['Draft: a plan for image variants', ['images', 'plans'], 'News', '#66a80f'],
] as const;

function body(title: string, tags: readonly string[]): string {
  return [
    `<p><strong>${title}.</strong> This demo post shows what the editor keeps: <em>emphasis</em>, `,
    `<a href="https://example.com/${tags[0] ?? 'lectern'}">links</a> and lists.</p>`,
    '<ul><li>Bodies are sanitised HTML.</li><li>The excerpt is the first forty words.</li></ul>',
    '<p>Search finds words of the title first, then of the body, ranked.</p>',
  ].join('');
}

/** A 1200×630 thumbnail: a colour field with a lighter band (no text: no fonts needed). */
function thumbnail(colour: string): Promise<Buffer> {
  const band = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><path d="M0 470 L1200 170 L1200 330 L0 630 Z" fill="#ffffff" fill-opacity="0.25"/></svg>',
  );
  return sharp({ create: { width: 1200, height: 630, channels: 3, background: colour } })
    .composite([{ input: band }])
    .png()
    .toBuffer();
}

export interface SeedResult {
  created: boolean;
  accounts: Array<{ email: string; username: string; staff: boolean }>;
  posts: number;
}

/** Writes the demo data set once; a second run finds the editor and does nothing. */
export async function seedDemo(deps: ContextDeps, baseUrl: string): Promise<SeedResult> {
  const accounts = PEOPLE.map((p) => ({ email: p.email, username: p.username, staff: p.is_staff }));
  const editorEmail = PEOPLE[0].email;
  if ((await takenIdentifiers(deps.db, { email: editorEmail })).email) {
    return { created: false, accounts, posts: 0 };
  }
  const passwordHash = await deps.services.passwords.hash(DEMO_PASSWORD);
  const users: AuthUser[] = [];
  for (const person of PEOPLE) {
    const row = await insertUser(deps.db, {
      email: person.email,
      username: person.username,
      slug: userSlug(person.username),
      password_hash: passwordHash,
      bio: person.bio,
      is_verified: true,
      is_staff: person.is_staff,
    });
    users.push({
      id: row.id,
      email: row.email,
      username: row.username,
      slug: row.slug,
      is_verified: row.is_verified,
      is_staff: row.is_staff,
      is_superuser: row.is_superuser,
    });
  }
  const as = (user: AuthUser): Context & { user: AuthUser } => ({
    ...deps,
    request: { ip: '127.0.0.1', baseUrl },
    user,
    contentKey: null,
    tokenRejected: false,
    http: { headers: {} },
  });
  const [editor, ...authors] = users;
  if (!editor) throw new Error('the demo editor was not created');

  const categoryIds = new Map<string, number>();
  for (const category of CATEGORIES) {
    const created = (await callProcedure('categories.create', as(editor), category)) as { id: number };
    categoryIds.set(category.name, created.id);
  }

  const createWithThumbnail = multipartRoutes.find((r) => r.method === 'POST' && r.path === '/posts');
  if (!createWithThumbnail) throw new Error('no multipart route for POST /posts');
  let posts = 0;
  for (const [i, [title, tags, category, colour]] of TOPICS.entries()) {
    const author = authors[i % authors.length] ?? editor;
    const draft = title.startsWith('Draft');
    const post = (await createWithThumbnail.run(
      as(author),
      {
        fields: {
          title: [title],
          body: [body(title, tags)],
          tags: [JSON.stringify(tags)],
          categories: [String(categoryIds.get(category))],
          is_published: [draft ? 'false' : 'true'],
        },
        files: { thumbnail: { filename: `${i + 1}.png`, data: new Uint8Array(await thumbnail(colour)) } },
      },
      {},
    )) as { slug: string };
    posts++;
    // One post sits in the trash, for the admin's trash view.
    if (i === TOPICS.length - 2) await callProcedure('posts.delete', as(author), { slug: post.slug });
  }

  const gallery = multipartRoutes.find((r) => r.method === 'POST' && r.path === '/files');
  const stream = gallery?.files.file?.stream;
  if (gallery && stream) {
    // The gallery's file field is streamed into storage by the server before the route runs; here the
    // bytes are at hand, so they are stored the same way (checked by content, a generated key) first.
    const upload = async (title: string, filename: string, data: Uint8Array) => {
      const bytes = (async function* () {
        yield data;
      })();
      const stored = await receiveUpload(deps.services.storage, filename, bytes, stream.kind, stream.key);
      if (!stored) throw new Error(`empty demo file ${filename}`);
      await gallery.run(as(editor), { fields: { title: [title] }, files: {}, uploads: { file: stored } }, {});
    };
    await upload('Brand colours', 'colours.png', new Uint8Array(await thumbnail('#343a40')));
    await upload(
      'Style notes',
      'style-notes.txt',
      new TextEncoder().encode('Headings in sentence case.\nOne idea per paragraph.\n'),
    );
  }
  return { created: true, accounts, posts };
}
