import { createHash } from 'node:crypto';
import { InputError } from '../../errors.js';

/**
 * Digests of every algorithm the OCI image spec registers (descriptor.md, "Registered algorithms"): sha256 and
 * sha512 from node:crypto, blake3 (256-bit output) from @noble/hashes, loaded only when an image uses it.
 */
const ENCODED: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
  blake3: /^[a-f0-9]{64}$/,
};

/** Something that hashes bytes as they pass. */
export interface Digester {
  update(chunk: Uint8Array): void;
  /** `algorithm:hex` of everything given so far. */
  digest(): string;
}

type Blake3 = { create(): { update(data: Uint8Array): unknown; digest(): Uint8Array } };
let blake3: Blake3 | undefined;

async function loadBlake3(): Promise<Blake3> {
  blake3 ??= (await import('@noble/hashes/blake3.js')).blake3 as unknown as Blake3;
  return blake3;
}

/** The algorithm of a digest, checked against the spec's form for it; an InputError naming `what` otherwise. */
export function digestAlgorithm(digest: string, what: string): string {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const pattern = ENCODED[algorithm];
  if (colon < 0 || !pattern) {
    throw new InputError(`${what}: digest ${digest} uses an algorithm the OCI spec does not register (sha256, sha512, blake3)`);
  }
  if (!pattern.test(digest.slice(colon + 1))) throw new InputError(`${what}: digest ${digest} is not a well-formed ${algorithm} digest`);
  return algorithm;
}

/** A digester for the algorithm of `digest` (which it checks first). */
export async function digesterFor(digest: string, what: string): Promise<Digester> {
  const algorithm = digestAlgorithm(digest, what);
  if (algorithm === 'blake3') {
    const hash = (await loadBlake3()).create();
    return { update: (chunk) => void hash.update(chunk), digest: () => `blake3:${Buffer.from(hash.digest()).toString('hex')}` };
  }
  const hash = createHash(algorithm);
  return { update: (chunk) => void hash.update(chunk), digest: () => `${algorithm}:${hash.digest('hex')}` };
}

/** Throws an InputError naming `what` unless `bytes` hash to `digest`. */
export async function verifyDigest(bytes: Uint8Array, digest: string, what: string): Promise<void> {
  const digester = await digesterFor(digest, what);
  digester.update(bytes);
  const actual = digester.digest();
  if (actual !== digest) throw new InputError(`${what}: digest mismatch: expected ${digest}, the bytes hash to ${actual}`);
}
