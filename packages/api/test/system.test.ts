/** Procedure tiers and the maintenance guard, through createCaller. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../src/context.ts';
import { LecternError } from '../src/errors.ts';
import { allProcedures } from '../src/router.ts';
import { openProcedures, type Procedures } from './caller.ts';

const codeOf = (work: () => Promise<unknown>) =>
  work().then(
    () => 'ok',
    (error: unknown) => (error instanceof LecternError ? error.machineCode : String(error)),
  );

describe('procedure tiers and maintenance', () => {
  let p: Procedures;
  let member: AuthUser;
  let staff: AuthUser;
  let superuser: AuthUser;
  beforeAll(async () => {
    p = await openProcedures();
    member = await p.user();
    staff = await p.user({ is_staff: true });
    superuser = await p.user({ is_superuser: true, is_staff: true });
  });
  afterEach(async () => {
    await p.services.settings.update({ maintenance: false });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('every procedure has a tier, and the settings are for superusers only', async () => {
    for (const { path, meta } of allProcedures()) expect(meta.access, path).toBeDefined();
    expect(await codeOf(() => p.as(null).system.settings.get())).toBe('NOT_AUTHENTICATED');
    expect(await codeOf(() => p.as(member).system.settings.get())).toBe('PERMISSION_DENIED');
    expect(await codeOf(() => p.as(staff).system.settings.get())).toBe('PERMISSION_DENIED');
    expect(await p.as(superuser).system.settings.get()).toEqual({
      maintenance: false,
      allow_registration: false,
      anonymous_read: false,
    });
    expect(await codeOf(() => p.as(member).users.list({}))).toBe('PERMISSION_DENIED');
    expect((await p.as(staff).users.list({ is_staff: true })).results.map((u) => u.id)).toContain(staff.id);
  });

  it('maintenance refuses everyone but the exempt procedures', async () => {
    await p.as(superuser).system.settings.update({ maintenance: true });
    expect(await codeOf(() => p.as(member).users.me())).toBe('MAINTENANCE_MODE');
    expect(await codeOf(() => p.as(superuser).posts.list({}))).toBe('MAINTENANCE_MODE');
    // Exempt: health for everyone, the settings for superusers.
    expect(await p.as(null).system.health()).toMatchObject({ status: 'healthy', maintenance: true });
    expect(await codeOf(() => p.as(staff).system.settings.get())).toBe('MAINTENANCE_MODE');
    expect(await p.as(superuser).system.settings.update({ maintenance: false })).toMatchObject({
      maintenance: false,
    });
    expect(await codeOf(() => p.as(member).users.me())).toBe('ok');
  });
});
