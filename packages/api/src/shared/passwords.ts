import { randomBytes } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import argon2 from 'argon2';

/** Argon2id cost parameters (memory in KiB). */
export interface HashParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane. */
export const OWASP_PARAMS: HashParams = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
/** Cheap parameters for test suites that create many accounts; the server refuses them outside tests. */
export const FAST_TEST_PARAMS: HashParams = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export type HashProfile = 'owasp' | 'fast';

/** Hashing and verification with one parameter set; hashes made with another are flagged for rehash. */
export class PasswordHasher {
  readonly params: HashParams;
  #dummy: Promise<string> | undefined;

  constructor(profile: HashProfile = 'owasp') {
    this.params = profile === 'fast' ? FAST_TEST_PARAMS : OWASP_PARAMS;
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  /** False for a wrong password and for anything that is not an argon2 hash. */
  async verify(hash: string, password: string): Promise<boolean> {
    if (!hash.startsWith('$argon2')) return false;
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, this.params);
    } catch {
      return true;
    }
  }

  /** Spends the time of one verification, so an unknown address answers as slowly as a known one. */
  async verifyDummy(password: string): Promise<void> {
    this.#dummy ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(await this.#dummy, password);
  }
}

// ---------------------------------------------------------------------------------------------------
// Password rules (the OpenAPI document, users.register): at least 8 characters, not all digits, not too similar to the email or
// username (SequenceMatcher ratio ≥ 0.7, as Django's UserAttributeSimilarityValidator), not common.

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_SIMILARITY = 0.7;

/** zxcvbn-ts's common-password dictionary (≈49,000 leaked passwords), lower-cased, loaded once. */
let commonPasswords: Set<string> | undefined;
function isCommon(password: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return commonPasswords.has(password.trim().toLowerCase());
}

export function commonPasswordCount(): number {
  isCommon('');
  return commonPasswords?.size ?? 0;
}

/**
 * Python difflib's SequenceMatcher(None, a, b).ratio(): 2·M / (|a| + |b|), M being the characters in the
 * matching blocks found by recursively taking the longest common substring (no junk heuristics; the
 * strings here are short).
 */
export function similarityRatio(a: string, b: string): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  return (2 * matchingCharacters(a, 0, a.length, b, 0, b.length)) / total;
}

function matchingCharacters(
  a: string,
  alo: number,
  ahi: number,
  b: string,
  blo: number,
  bhi: number,
): number {
  // Longest common substring of a[alo:ahi] and b[blo:bhi], earliest in a, then earliest in b.
  let bestI = alo;
  let bestJ = blo;
  let bestSize = 0;
  let previous = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const current = new Map<number, number>();
    for (let j = blo; j < bhi; j++) {
      if (a[i] !== b[j]) continue;
      const size = (previous.get(j - 1) ?? 0) + 1;
      current.set(j, size);
      if (size > bestSize) {
        bestI = i - size + 1;
        bestJ = j - size + 1;
        bestSize = size;
      }
    }
    previous = current;
  }
  if (bestSize === 0) return 0;
  return (
    bestSize +
    matchingCharacters(a, alo, bestI, b, blo, bestJ) +
    matchingCharacters(a, bestI + bestSize, ahi, b, bestJ + bestSize, bhi)
  );
}

function tooSimilar(password: string, value: string): boolean {
  const pw = password.toLowerCase();
  const whole = value.toLowerCase();
  const parts = [whole, ...whole.split(/[^\p{L}\p{N}_]+/u)].filter((p) => p.length > 0);
  return parts.some((part) => {
    // A part far shorter than the password cannot be "similar" (Django's exceeds_maximum_length_ratio).
    if (pw.length >= 10 * part.length && part.length < (MAX_SIMILARITY / 2) * pw.length) return false;
    return similarityRatio(pw, part) >= MAX_SIMILARITY;
  });
}

/** The problems with a password, as messages for the `password` field (empty when it is acceptable). */
export function passwordProblems(
  password: string,
  attributes: { email?: string; username?: string },
): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  if (attributes.email && tooSimilar(password, attributes.email)) {
    problems.push('The password is too similar to the email.');
  } else if (attributes.username && tooSimilar(password, attributes.username)) {
    problems.push('The password is too similar to the username.');
  }
  if (isCommon(password)) problems.push('This password is too common.');
  return problems;
}

/** A random password that passes the rules (for the seeded admin). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
