import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestAlgorithm, digesterFor, verifyDigest } from '../../src/sources/registry/digests.js';
import { seededBytes } from '../support/image-builder.js';

/** BLAKE3 as the reference implementation's own tool (Debian's b3sum) computes it. */
function b3sum(bytes: Buffer): string {
  return 'blake3:' + execFileSync('b3sum', ['--no-names'], { input: bytes }).toString().trim();
}

describe('digests of every algorithm the OCI spec registers', () => {
  const inputs = [Buffer.alloc(0), Buffer.from('abc'), seededBytes(1024, 1), seededBytes(1025, 2), seededBytes(200_000, 3)];

  it.each(inputs.map((bytes) => [bytes.length, bytes] as const))('%d bytes: sha256, sha512 and blake3 (against b3sum), in pieces or at once', async (_length, bytes) => {
    const expected = {
      sha256: 'sha256:' + createHash('sha256').update(bytes).digest('hex'),
      sha512: 'sha512:' + createHash('sha512').update(bytes).digest('hex'),
      blake3: b3sum(bytes),
    };
    for (const digest of Object.values(expected)) {
      const digester = await digesterFor(digest, 'test');
      for (let at = 0; at < bytes.length; at += 7777) digester.update(bytes.subarray(at, at + 7777));
      expect(digester.digest()).toBe(digest);
      await expect(verifyDigest(bytes, digest, 'test')).resolves.toBeUndefined();
    }
  });

  it('a mismatch names what and both digests', async () => {
    const wrong = 'blake3:' + '0'.repeat(64);
    await expect(verifyDigest(Buffer.from('abc'), wrong, 'ghcr.io/a/b:1: manifest')).rejects.toThrow(
      `ghcr.io/a/b:1: manifest: digest mismatch: expected ${wrong}, the bytes hash to ${b3sum(Buffer.from('abc'))}`,
    );
  });

  it('unregistered algorithms and malformed encodings are refused', () => {
    expect(() => digestAlgorithm('md5:' + 'a'.repeat(32), 'x')).toThrow('x: digest md5:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa uses an algorithm the OCI spec does not register (sha256, sha512, blake3)');
    expect(() => digestAlgorithm('sha256:' + 'A'.repeat(64), 'x')).toThrow('is not a well-formed sha256 digest');
    expect(() => digestAlgorithm('sha512:' + 'a'.repeat(64), 'x')).toThrow('is not a well-formed sha512 digest');
    expect(digestAlgorithm('blake3:' + 'a'.repeat(64), 'x')).toBe('blake3');
  });
});
