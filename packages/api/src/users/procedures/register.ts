import { type FieldErrors, fail, LecternError } from '../../errors.ts';
import { passwordProblems } from '../../shared/passwords.ts';
import { userSlug } from '../../shared/slugs.ts';
import { publicProcedure } from '../../trpc.ts';
import { usersExamples } from '../examples.ts';
import { insertUser, takenIdentifiers } from '../queries.ts';
import { registerInput, registerOutput } from '../schemas.ts';
import { sendCode, uniqueViolationToField } from '../service.ts';

export const registerProcedure = publicProcedure
  .meta({
    openapi: { method: 'POST', path: '/users/register', tags: ['users'], summary: 'Create an account' },
    successStatus: 201,
    errors: {
      '403': {
        code: 'REGISTRATION_DISABLED',
        description: 'Registration is closed.',
        detail: 'Registration is currently closed.',
      },
      '429': { code: 'RATE_LIMITED', description: 'Too many registrations from this address.' },
    },
    examples: usersExamples.register,
  })
  .input(registerInput)
  .output(registerOutput)
  .mutation(async ({ ctx, input }) => {
    if (!(await ctx.services.settings.get()).allow_registration) {
      throw new LecternError({ code: 'REGISTRATION_DISABLED', message: 'Registration is currently closed.' });
    }
    await ctx.services.rateLimits.hit('register', { ip: ctx.request.ip, email: input.email });

    const errors: FieldErrors = {};
    const problems = passwordProblems(input.password, { email: input.email, username: input.username });
    if (problems.length) errors.password = problems;
    const taken = await takenIdentifiers(ctx.db, { email: input.email, username: input.username });
    if (taken.email) errors.email = ['A user with that email already exists.'];
    if (taken.username) errors.username = ['A user with that username already exists.'];
    if (Object.keys(errors).length) throw fail.fields(errors);

    const passwordHash = await ctx.services.passwords.hash(input.password);
    let user: Awaited<ReturnType<typeof insertUser>>;
    try {
      user = await insertUser(ctx.db, {
        email: input.email,
        username: input.username,
        slug: userSlug(input.username),
        password_hash: passwordHash,
      });
    } catch (error) {
      // Two registrations racing for one address: the unique index decides, the loser gets the 400.
      throw uniqueViolationToField(error) ?? error;
    }
    // The account stands even if the mail fails: the user can ask for another code.
    await sendCode(ctx, user, 'verify', { skipCooldown: true });
    return {
      id: user.id,
      email: user.email,
      username: user.username,
      slug: user.slug,
      is_verified: user.is_verified,
      message: 'Account created. Check your email for the verification code.',
    };
  });
