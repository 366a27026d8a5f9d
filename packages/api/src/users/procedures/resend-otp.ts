import { z } from 'zod';
import { findUserByEmail } from '../../queries/users.ts';
import { sendCode } from '../../services/accounts.ts';
import { publicProcedure } from '../../trpc.ts';
import { emailField, messageOutput } from './schemas.ts';

export const RESEND_MESSAGE = 'If an unverified account exists for this email, a new code has been sent.';

export const resendOtp = publicProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/users/resend-otp',
      tags: ['users'],
      summary: 'Send a new verification code',
    },
  })
  .input(z.object({ email: emailField() }))
  .output(messageOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.rateLimits.hit('resend', { ip: ctx.request.ip, email: input.email });
    const user = await findUserByEmail(ctx.db, input.email);
    // The same answer whether or not the account exists, is verified, or is within the cooldown.
    if (user?.is_active && !user.is_verified) await sendCode(ctx, user, 'verify', { background: true });
    return { message: RESEND_MESSAGE };
  });
