import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkedDigest, verifyDigest } from '../../src/sources/registry/digests.js';
import { seededBytes } from '../support/image-builder.js';

/** A digest as OpenSSL computes it: an implementation that shares nothing with ours. */
function openssl(algorithm: 'sha256' | 'sha512', bytes: Buffer): string {
  const out = execFileSync('openssl', ['dgst', `-${algorithm}`, '-r'], { input: bytes }).toString();
  return `${algorithm}:${out.split(' ')[0]}`;
}

describe('registry documents are verified with the algorithm their digest names', () => {
  const inputs = [Buffer.alloc(0), Buffer.from('abc'), seededBytes(1024, 1), seededBytes(200_000, 3)];

  it.each(inputs.map((bytes) => [bytes.length, bytes] as const))('%d bytes: sha256 and sha512 (against openssl)', (_length, bytes) => {
    for (const algorithm of ['sha256', 'sha512'] as const) {
      expect(() => verifyDigest(bytes, openssl(algorithm, bytes), 'test')).not.toThrow();
    }
  });

  it('a mismatch names what and both digests', () => {
    const wrong = 'sha512:' + '0'.repeat(128);
    expect(() => verifyDigest(Buffer.from('abc'), wrong, 'ghcr.io/a/b:1: manifest')).toThrow(
      `ghcr.io/a/b:1: manifest: digest mismatch: expected ${wrong}, the bytes hash to ${openssl('sha512', Buffer.from('abc'))}`,
    );
  });

  it('algorithms we cannot verify and malformed encodings are refused, naming what', () => {
    expect(() => checkedDigest('md5:' + 'a'.repeat(32), 'x')).toThrow(/^x: digest algorithm "md5" is not one that can be verified/);
    // Registered by the OCI spec, but node:crypto cannot compute it: refused, never reported as checked.
    expect(() => checkedDigest('blake3:' + 'a'.repeat(64), 'x')).toThrow(/^x: digest algorithm "blake3" is not one that can be verified/);
    expect(() => checkedDigest('sha256:' + 'A'.repeat(64), 'x')).toThrow(/is not a sha256 digest/);
    expect(() => checkedDigest('sha512:' + 'a'.repeat(64), 'x')).toThrow(/is not a sha512 digest/);
  });
});
