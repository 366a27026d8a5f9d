/**
 * Who is signed in. The SDK keeps the tokens (lib/sdk.ts); this keeps the user they belong to, and is
 * the only place that signs in, restores a session after a reload, and signs out.
 */
import type { LoginResult } from '@lectern/sdk';
import { call, client, LecternError, tokenStorage } from '../../lib/sdk.ts';
import { createStore, useStore } from '../../lib/store.ts';

export type SessionUser = LoginResult['user'];

export type SessionState =
  | { status: 'restoring'; user: null }
  | { status: 'signed-in'; user: SessionUser }
  | { status: 'signed-out'; user: null; reason?: string };

export const sessionStore = createStore<SessionState>({ status: 'restoring', user: null });

export const useSession = () => useStore(sessionStore);

export function currentUser(): SessionUser | null {
  const state = sessionStore.get();
  return state.status === 'signed-in' ? state.user : null;
}

const isStaffUser = (user: { is_staff: boolean; is_superuser: boolean }) =>
  user.is_staff || user.is_superuser;

export const NOT_STAFF_MESSAGE = 'This account is not a staff account: the admin is for staff only.';

/** Signs in; a non-staff account is refused here and its tokens revoked and dropped at once. */
export async function signIn(email: string, password: string): Promise<SessionUser> {
  const result = await call((sdk) => sdk.auth.login(email, password));
  if (!isStaffUser(result.user)) {
    await client.auth.logout();
    throw new LecternError({ message: NOT_STAFF_MESSAGE, code: 'NOT_STAFF', status: 403 });
  }
  sessionStore.set({ status: 'signed-in', user: result.user });
  return result.user;
}

/**
 * After a reload: only the refresh token is stored, and the SDK exchanges it before its first call
 * (here `users.me`, which also says who we are).
 */
export async function restoreSession(): Promise<void> {
  if (!(await client.auth.tokens())) {
    sessionStore.set({ status: 'signed-out', user: null });
    return;
  }
  try {
    const me = await call((sdk) => sdk.users.me.query());
    if (!isStaffUser(me)) {
      await client.auth.logout();
      sessionStore.set({ status: 'signed-out', user: null, reason: NOT_STAFF_MESSAGE });
      return;
    }
    sessionStore.set({
      status: 'signed-in',
      user: {
        id: me.id,
        email: me.email,
        username: me.username,
        slug: me.slug,
        is_verified: me.is_verified,
        is_staff: me.is_staff,
        is_superuser: me.is_superuser,
      },
    });
  } catch (error) {
    const e = LecternError.from(error);
    if (e.status === 401) {
      sessionExpired();
      return;
    }
    // Maintenance (503) or an unreachable server: the sign-in page says which.
    sessionStore.set({ status: 'signed-out', user: null, reason: e.message });
  }
}

/** Revokes the refresh token on the server and forgets both tokens. */
export async function signOut(): Promise<void> {
  await client.auth.logout();
  sessionStore.set({ status: 'signed-out', user: null });
}

/** The server no longer accepts our tokens: forget them (nothing left to revoke). */
export function sessionExpired(): void {
  tokenStorage.clear();
  sessionStore.set({ status: 'signed-out', user: null, reason: 'Your session has ended: sign in again.' });
}

/** A profile change of the signed-in user (username) shows in the header at once. */
export function updateSessionUser(patch: Partial<SessionUser>): void {
  const state = sessionStore.get();
  if (state.status === 'signed-in')
    sessionStore.set({ status: 'signed-in', user: { ...state.user, ...patch } });
}
