/**
 * pnpm create-superuser [--email E] [--username U] [--password P]
 * Missing values are asked for when stdin is a terminal (the password without echo); otherwise the
 * command fails. The password must pass the same rules as registration.
 */
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { PasswordHasher } from '@lectern/api';
import { createDb, migrateToLatest } from '@lectern/db';
import { createSuperuser, SuperuserError, type SuperuserInput, superuserProblems } from '../admin.ts';
import { ConfigError, loadEnv } from '../env.ts';

const USAGE = 'usage: pnpm create-superuser --email EMAIL --username NAME --password PASSWORD';

/** One terminal prompt for the whole session (typed-ahead lines are kept); passwords are not echoed. */
function createPrompt() {
  let muted = false;
  // Everything readline echoes goes through here, so a password being typed is not shown.
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (!muted) process.stdout.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return {
    async ask(question: string, hidden = false): Promise<string> {
      const answer = rl.question(question); // the prompt is written at once, before muting
      muted = hidden;
      try {
        return (await answer).trim();
      } finally {
        muted = false;
        if (hidden) process.stdout.write('\n');
      }
    },
    close: () => rl.close(),
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let env: ReturnType<typeof loadEnv>;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const interactive = process.stdin.isTTY === true;
  if (!interactive && (!values.email || !values.username || !values.password)) {
    console.error(`missing --email, --username or --password (and stdin is not a terminal)\n${USAGE}`);
    return 2;
  }
  const { db } = createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, poolSize: 1 });
  let prompt: ReturnType<typeof createPrompt> | undefined;
  try {
    await migrateToLatest(db);
    prompt = interactive ? createPrompt() : undefined;
    const ask = async (question: string, hidden = false) => (prompt ? prompt.ask(question, hidden) : '');
    const input: SuperuserInput = {
      email: values.email ?? (await ask('Email: ')),
      username: values.username ?? (await ask('Username: ')),
      password: values.password ?? '',
    };
    if (!values.password) {
      for (;;) {
        input.password = await ask('Password: ', true);
        const again = await ask('Password (again): ', true);
        if (input.password !== again) {
          console.error('The passwords do not match.');
          continue;
        }
        const problems = (await superuserProblems(db, input)).filter((p) => p.startsWith('password:'));
        if (problems.length === 0) break;
        console.error(problems.join('\n'));
      }
    }
    const user = await createSuperuser(db, new PasswordHasher(env.PASSWORD_HASH_PROFILE), input);
    console.log(`Superuser created: ${user.email} (slug ${user.slug}).`);
    return 0;
  } catch (error) {
    if (error instanceof SuperuserError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    prompt?.close();
    await db.destroy();
  }
}

process.exitCode = await main();
