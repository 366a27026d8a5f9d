import { describe, expect, it } from 'vitest';
import {
  commonPasswordCount,
  OWASP_PARAMS,
  PasswordHasher,
  passwordProblems,
  similarityRatio,
} from '../src/shared/passwords.ts';

describe('password rules', () => {
  it("computes Python difflib's SequenceMatcher ratio", () => {
    // Values printed by CPython's difflib.SequenceMatcher(a=…, b=…).ratio().
    expect(similarityRatio('alice2024x', 'alice')).toBeCloseTo(0.6666666666666666, 12);
    expect(similarityRatio('johnsmith99', 'john.smith@example.com')).toBeCloseTo(0.5454545454545454, 12);
    expect(similarityRatio('correcthorse', 'example')).toBeCloseTo(0.21052631578947367, 12);
    expect(similarityRatio('abcdefgh', 'abcdefgx')).toBeCloseTo(0.875, 12);
    expect(similarityRatio('passw0rd!', 'passw0rd')).toBeCloseTo(0.9411764705882353, 12);
    expect(similarityRatio('', '')).toBe(1);
  });

  it('refuses short, numeric, common and similar passwords; accepts a good one', () => {
    const who = { email: 'margaret.hamilton@example.com', username: 'mhamilton' };
    expect(passwordProblems('Sh0rt!', who)).toEqual([expect.stringContaining('too short')]);
    expect(passwordProblems('12345678901', who)).toEqual(
      expect.arrayContaining([expect.stringContaining('numeric'), expect.stringContaining('common')]),
    );
    expect(passwordProblems('iloveyou', who)).toEqual([expect.stringContaining('common')]);
    expect(passwordProblems('Qwertyuiop', who)).toEqual([expect.stringContaining('common')]);
    expect(passwordProblems('hamilton1', who)).toEqual([expect.stringContaining('similar to the email')]);
    expect(passwordProblems('mhamilton2', { username: 'mhamilton' })).toEqual([
      expect.stringContaining('similar to the username'),
    ]);
    expect(passwordProblems('Quartz-Lantern-Ferry-41', who)).toEqual([]);
  });

  it('ships a common-password list of at least 20,000 entries', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(20_000);
  });
});

describe('password hashing', () => {
  it('hashes with argon2id at the OWASP parameters by default and flags other hashes for rehash', async () => {
    expect(OWASP_PARAMS).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const owasp = new PasswordHasher();
    const hash = await owasp.hash('Quartz-Lantern-Ferry-41');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await owasp.verify(hash, 'Quartz-Lantern-Ferry-41')).toBe(true);
    expect(await owasp.verify(hash, 'quartz-lantern-ferry-41')).toBe(false);
    expect(await owasp.verify('not-a-hash', 'x')).toBe(false);
    expect(owasp.needsRehash(hash)).toBe(false);
    const cheap = await new PasswordHasher('fast').hash('x');
    expect(owasp.needsRehash(cheap)).toBe(true);
  });
});
