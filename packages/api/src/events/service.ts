import { type Context, isStaff } from '../context.ts';
import { fail } from '../errors.ts';
import type { ContentEvent, EventViewer } from '../shared/event-hub.ts';

/** Who the caller is to the event stream: the reading rules of posts.list, applied per event. */
export function eventViewerOf(ctx: Pick<Context, 'user'>): EventViewer {
  const user = ctx.user;
  if (!user) return { kind: 'public' };
  return isStaff(user) ? { kind: 'staff' } : { kind: 'user', id: user.id };
}

/**
 * The caller's live event stream, for both doors: whoever may list posts may subscribe (a user, a
 * content key, or anyone while anonymous reading is on). Refusals come before any event.
 */
export async function openEventStream(
  ctx: Context,
  opts: { lastEventId?: number | undefined; signal?: AbortSignal | undefined },
): Promise<AsyncGenerator<ContentEvent, void>> {
  if (ctx.tokenRejected) throw fail.tokenInvalid();
  if (!ctx.user && !ctx.contentKey && !(await ctx.services.settings.get()).anonymous_read) {
    throw fail.unauthenticated();
  }
  return ctx.services.events.open(eventViewerOf(ctx), {
    lastEventId: opts.lastEventId,
    signal: opts.signal,
    expiresAt: ctx.credentialExpiresAt,
  });
}
