/**
 * The floor: the least a server can do to answer scenario (1) — one Fastify route running the same
 * list page (author and categories included) and the same exact count in ONE statement through plain
 * `pg`, and returning the rows. No auth, no validation, no framework between the route and the pool.
 *
 * Run as its own process: `node --import tsx src/floor.ts` with DATABASE_URL, PORT, WORKERS, DB_POOL_SIZE.
 */
import cluster from 'node:cluster';
import Fastify from 'fastify';
import pg from 'pg';

const FLOOR_SQL = `
  WITH page AS (
    SELECT p.id, p.title, p.slug, p.excerpt, p.tags, p.thumbnail, p.is_published, p.published_at,
           p.created_at, p.updated_at,
           json_build_object('id', u.id, 'username', u.username, 'slug', u.slug) AS author,
           (SELECT coalesce(json_agg(c ORDER BY lower(c.name), c.id), '[]')
              FROM (SELECT c.id, c.name, c.slug FROM post_categories pc
                    JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = p.id) c) AS categories
    FROM posts p JOIN users u ON u.id = p.author_id
    WHERE NOT p.is_deleted AND p.is_published
    ORDER BY p.created_at DESC, p.id DESC
    LIMIT $1 OFFSET $2
  )
  SELECT (SELECT count(*)::int FROM posts p WHERE NOT p.is_deleted AND p.is_published) AS count,
         coalesce((SELECT json_agg(page) FROM page), '[]') AS results`;

async function serve(): Promise<void> {
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DB_POOL_SIZE ?? 10),
  });
  const app = Fastify({ logger: false });
  app.get('/api/posts/', async (req) => {
    const query = req.query as { page?: string; page_size?: string };
    const size = Math.min(100, Number(query.page_size ?? 20) || 20);
    const page = Math.max(1, Number(query.page ?? 1) || 1);
    const { rows } = await pool.query(FLOOR_SQL, [size, (page - 1) * size]);
    return rows[0];
  });
  app.get('/health-check/', async () => ({ status: 'healthy' }));
  const close = () => {
    app.close().then(() => pool.end().then(() => process.exit(0)));
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
  await app.listen({ port: Number(process.env.PORT ?? 8100), host: '127.0.0.1' });
}

const workers = Number(process.env.WORKERS ?? 1);
if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
