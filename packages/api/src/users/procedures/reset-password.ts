import { fail } from '../../errors.ts';
import { passwordProblems } from '../../shared/passwords.ts';
import { publicProcedure } from '../../trpc.ts';
import { consumeCode } from '../codes.ts';
import { findUserByEmail, updateUser } from '../queries.ts';
import { messageOutput, resetPasswordInput } from '../schemas.ts';
import { codePolicy } from '../service.ts';
import { revokeAllRefreshTokens } from '../sessions.ts';
import { INVALID_CODE } from './verify-otp.ts';

export const resetPasswordProcedure = publicProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/users/reset-password',
      tags: ['users'],
      summary: 'Set a new password with the emailed code',
    },
    errors: { '429': { code: 'RATE_LIMITED', description: 'Too many attempts.' } },
  })
  .input(resetPasswordInput)
  .output(messageOutput)
  .mutation(async ({ ctx, input }) => {
    await ctx.services.rateLimits.hit('reset', { ip: ctx.request.ip, email: input.email });
    const user = await findUserByEmail(ctx.db, input.email);
    // The password is checked first, so a weak one does not spend the code.
    const problems = passwordProblems(input.new_password, {
      email: user?.email ?? input.email,
      username: user?.username,
    });
    if (problems.length) throw fail.fields({ new_password: problems });
    if (!user?.is_active) throw fail.field('otp', INVALID_CODE);
    const passwordHash = await ctx.services.passwords.hash(input.new_password);
    const ok = await consumeCode(ctx.db, codePolicy(ctx), user.id, 'reset', input.otp);
    if (!ok) throw fail.field('otp', INVALID_CODE);
    await ctx.db.transaction().execute(async (tx) => {
      await updateUser(tx, user.id, { password_hash: passwordHash });
      await revokeAllRefreshTokens(tx, user.id);
    });
    return { message: 'Password has been reset. You can now log in with the new password.' };
  });
