export interface Tokens {
  access: string;
  refresh: string;
}

/**
 * Where the client keeps its tokens. Every method may be async, so a persistent store (a file,
 * IndexedDB, a keychain) plugs in as easily as the in-memory default.
 */
export interface TokenStorage {
  get(): Tokens | null | Promise<Tokens | null>;
  set(tokens: Tokens): void | Promise<void>;
  clear(): void | Promise<void>;
}

/** Tokens in memory: gone when the process ends. */
export class MemoryTokenStorage implements TokenStorage {
  #tokens: Tokens | null = null;

  get(): Tokens | null {
    return this.#tokens;
  }

  set(tokens: Tokens): void {
    this.#tokens = { ...tokens };
  }

  clear(): void {
    this.#tokens = null;
  }
}
