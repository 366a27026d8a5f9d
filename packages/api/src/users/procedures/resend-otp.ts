import { publicProcedure } from '../../trpc.ts';
import { findUserByEmail } from '../queries.ts';
import { emailInput, messageOutput } from '../schemas.ts';
import { sendCode } from '../service.ts';

export const RESEND_MESSAGE = 'If an unverified account exists for this email, a new code has been sent.';

export const resendOtpProcedure = publicProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/users/resend-otp',
      tags: ['users'],
      summary: 'Send a new verification code',
    },
    errors: { '429': { code: 'RATE_LIMITED', description: 'Too many requests.' } },
  })
  .input(emailInput)
  .output(messageOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.rateLimits.hit('resend', { ip: ctx.request.ip, email: input.email });
    const user = await findUserByEmail(ctx.db, input.email);
    // The same answer whether or not the account exists, is verified, or is within the cooldown.
    if (user?.is_active && !user.is_verified) await sendCode(ctx, user, 'verify', { background: true });
    return { message: RESEND_MESSAGE };
  });
