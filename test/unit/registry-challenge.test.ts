import { describe, expect, it } from 'vitest';
import { parseChallenges } from '../../src/sources/registry/challenge.js';
import { backoffMs, retryAfterMs } from '../../src/sources/registry/retry.js';

describe('WWW-Authenticate challenges (RFC 7235)', () => {
  it('Docker Hub\'s Bearer challenge', () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/node:pull' } },
    ]);
  });

  it('several challenges in one header, spaces, quoted commas and escapes, token values', () => {
    expect(parseChallenges('Basic realm="a, b", Bearer realm="https://t/x", service=reg, error="insufficient_scope", scope="repository:a:pull repository:b:pull"')).toEqual([
      { scheme: 'basic', params: { realm: 'a, b' } },
      { scheme: 'bearer', params: { realm: 'https://t/x', service: 'reg', error: 'insufficient_scope', scope: 'repository:a:pull repository:b:pull' } },
    ]);
    expect(parseChallenges(['Basic realm="x\\"y"', 'Negotiate abc=='])).toEqual([
      { scheme: 'basic', params: { realm: 'x"y' } },
      { scheme: 'negotiate', params: { token68: 'abc==' } },
    ]);
  });

  it('nothing, or nonsense: no challenge, no exception; a long header is read once through', () => {
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges('"""')).toEqual([]);
    const long = 'Bearer ' + 'realm="x",'.repeat(20_000);
    expect(parseChallenges(long)[0]!.params.realm).toBe('x');
  });
});

describe('when to try again', () => {
  it('Retry-After in seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('doubling backoff, capped, unless the registry says how long', () => {
    const policy = { attempts: 5, firstDelayMs: 500, maxDelayMs: 60_000 };
    expect([1, 2, 3, 4].map((attempt) => backoffMs(policy, attempt))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffMs(policy, 20)).toBe(60_000);
    expect(backoffMs(policy, 1, 7000)).toBe(7000);
  });
});
