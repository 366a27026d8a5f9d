import { describe, expect, it } from 'vitest';
import { RestartBackoff } from '../../src/restart-backoff.ts';

describe('RestartBackoff', () => {
  it('doubles the delay for each quick death, up to the cap, and starts over after a stable run', () => {
    const backoff = new RestartBackoff({ initialMs: 500, maxMs: 4000, stableMs: 30_000 });
    const quick = () => backoff.next(100).delayMs;
    expect([quick(), quick(), quick(), quick(), quick()]).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(backoff.next(30_000)).toEqual({ delayMs: 500, crashes: 1 });
    expect(quick()).toBe(1000);
  });
});
