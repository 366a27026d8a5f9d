/**
 * The app's one Lectern client. Every SDK call of the app goes through `call()` (in the features'
 * queries.ts modules), so every failure reaches the screens as a LecternError.
 */
import { createLecternClient, LecternError, type TokenStorage, type Tokens } from '@lectern/sdk';

const REFRESH_KEY = 'lectern.admin.refresh';

/**
 * The access token lives in memory only; the refresh token in sessionStorage, so a reload keeps the
 * session (README, "Admin app": why this storage). After a reload the pair reads as
 * `{access: '', refresh}`, and the SDK exchanges the refresh token before its first call.
 */
export class TabTokenStorage implements TokenStorage {
  #access = '';

  get(): Tokens | null {
    const refresh = readRefresh();
    return refresh ? { access: this.#access, refresh } : null;
  }

  set(tokens: Tokens): void {
    this.#access = tokens.access;
    try {
      sessionStorage.setItem(REFRESH_KEY, tokens.refresh);
    } catch {
      // Storage refused (private mode quota): the session then lasts until the tab reloads.
    }
  }

  clear(): void {
    this.#access = '';
    try {
      sessionStorage.removeItem(REFRESH_KEY);
    } catch {
      // Nothing stored.
    }
  }
}

function readRefresh(): string | null {
  try {
    return sessionStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

export const tokenStorage = new TabTokenStorage();

export const client = createLecternClient({ url: window.location.origin, storage: tokenStorage });

export type Client = typeof client;

/** Runs one SDK call; whatever it throws comes out as a LecternError. */
export async function call<T>(operation: (sdk: Client) => Promise<T>): Promise<T> {
  try {
    return await operation(client);
  } catch (error) {
    throw LecternError.from(error);
  }
}

export { LecternError };
