/**
 * pnpm db:seed — the demo data set (src/seed.ts) in the configured database: a staff editor and two
 * authors (their password is printed), categories, posts with thumbnails, gallery files. Runs once per
 * database; a second run changes nothing.
 */
import { createDb, migrateToLatest } from '@lectern/db';
import { apiConfigFrom, resolveJwtSecret } from '../config.ts';
import { loadEnv } from '../env.ts';
import { DEMO_PASSWORD, seedDemo } from '../seed.ts';
import { createServices } from '../services.ts';

const env = loadEnv();
if (env.NODE_ENV === 'production') {
  console.error('db:seed writes demo accounts with a published password: it refuses NODE_ENV=production');
  process.exit(2);
}
const { db } = createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, poolSize: 2 });
try {
  await migrateToLatest(db);
  const services = await createServices(db, env);
  const config = apiConfigFrom(env, resolveJwtSecret(env));
  const baseUrl = env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`;
  const result = await seedDemo({ db, config, services }, baseUrl);
  services.mail.close();
  if (!result.created) {
    console.log('The demo data set is already there (the demo editor exists): nothing to do.');
  } else {
    console.log(`Seeded ${result.posts} posts, categories and gallery files. Demo accounts:`);
    for (const a of result.accounts) console.log(`  ${a.email}  (${a.username}${a.staff ? ', staff' : ''})`);
    console.log(`Password of every demo account: ${DEMO_PASSWORD}`);
  }
} finally {
  await db.destroy();
}
