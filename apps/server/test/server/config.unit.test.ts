import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiConfigFrom } from '../../src/config.ts';
import { ConfigError, loadEnv } from '../../src/env.ts';

const serverDir = path.resolve(import.meta.dirname, '../..');

describe('configuration', () => {
  it('names the variable of a bad value', () => {
    expect(() => loadEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadEnv({ MAINTENANCE: 'maybe' })).toThrow(/MAINTENANCE/);
  });

  it('refuses production without JWT_SECRET, or on PGlite unless allowed', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    const secret = 'x'.repeat(40);
    expect(() => loadEnv({ NODE_ENV: 'production', JWT_SECRET: secret })).toThrow(/DATABASE_URL/);
    expect(
      loadEnv({ NODE_ENV: 'production', JWT_SECRET: secret, ALLOW_PGLITE_IN_PRODUCTION: 'true' }).NODE_ENV,
    ).toBe('production');
  });

  it('accepts an access token lifetime in seconds only under NODE_ENV=test', () => {
    expect(() => loadEnv({ ACCESS_TOKEN_TTL_SECONDS: '5' })).toThrow(/ACCESS_TOKEN_TTL_SECONDS/);
    const env = loadEnv({ NODE_ENV: 'test', ACCESS_TOKEN_TTL_SECONDS: '5' });
    expect(apiConfigFrom(env, 'x'.repeat(40)).accessTokenTtlSeconds).toBe(5);
    expect(apiConfigFrom(loadEnv({}), 'x'.repeat(40)).accessTokenTtlSeconds).toBe(3600);
  });

  it('parses defaults and lists', () => {
    const env = loadEnv({ CORS_ORIGINS: 'https://a.example, https://b.example', TRUST_PROXY: '2' });
    expect(env.PORT).toBe(8000);
    expect(env.BODY_LIMIT).toBe(1024 * 1024);
    expect(env.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(env.TRUST_PROXY).toBe(2);
    expect(Object.isFrozen(env)).toBe(true);
  });

  it('stops the real start-up with the variable name and a non-zero exit', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serverDir,
      env: { ...process.env, PORT: 'not-a-port', DATA_DIR: '/nonexistent-never-created' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT');
    expect(ConfigError.name).toBe('ConfigError');
  });

  it('accepts the cheap test profile only with NODE_ENV=test', () => {
    const base = { DATA_DIR: '/tmp/lectern-env-test', JWT_SECRET: 'x'.repeat(40) };
    expect(loadEnv({ ...base, NODE_ENV: 'test', PASSWORD_HASH_PROFILE: 'fast' }).PASSWORD_HASH_PROFILE).toBe(
      'fast',
    );
    for (const NODE_ENV of ['development', 'production']) {
      expect(() =>
        loadEnv({ ...base, NODE_ENV, PASSWORD_HASH_PROFILE: 'fast', DATABASE_URL: 'postgres://x@y/z' }),
      ).toThrow(ConfigError);
    }
    expect(loadEnv({ ...base }).PASSWORD_HASH_PROFILE).toBe('owasp');
  });
});
