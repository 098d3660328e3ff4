import { createHash, type Hash } from 'node:crypto';

/**
 * Digests as the OCI image spec defines them (descriptor.md): `algorithm:encoded`, the algorithm
 * `[a-z0-9]+([+._-][a-z0-9]+)*`, the encoded part `[a-zA-Z0-9=_-]+`. Of the algorithms the spec registers,
 * sha256 and sha512 are verified (lower-case hex of 64 and 128 characters, as the spec requires); blake3,
 * registered since image-spec 1.1, has no implementation in Node's crypto, so it is refused like any
 * algorithm we cannot verify: a digest we cannot check must never be reported as checked.
 */
export const REGISTERED_ALGORITHMS = { sha256: 64, sha512: 128 } as const;
export type DigestAlgorithm = keyof typeof REGISTERED_ALGORITHMS;

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
  /** `algorithm:hex`, as given. */
  digest: string;
}

const GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** The digest, or a reason it is refused (one phrase, for a message that names the field). */
export function parseDigest(text: string): ParsedDigest | { error: string } {
  if (!GRAMMAR.test(text)) return { error: `${JSON.stringify(text)} is not a digest` };
  const colon = text.indexOf(':');
  const algorithm = text.slice(0, colon);
  const hex = text.slice(colon + 1);
  if (!Object.hasOwn(REGISTERED_ALGORITHMS, algorithm)) {
    return { error: `digest algorithm ${JSON.stringify(algorithm)} is not one that can be verified (sha256, sha512)` };
  }
  const length = REGISTERED_ALGORITHMS[algorithm as DigestAlgorithm];
  if (hex.length !== length || !/^[0-9a-f]+$/.test(hex)) return { error: `${JSON.stringify(text)} is not a ${algorithm} digest (${length} lower-case hex digits)` };
  return { algorithm: algorithm as DigestAlgorithm, hex, digest: text };
}

export function isParsedDigest(value: ParsedDigest | { error: string }): value is ParsedDigest {
  return 'algorithm' in value;
}

/** A fresh hash for a registered algorithm. */
export function hashFor(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

/** `algorithm:hex` of some bytes. */
export function digestOf(algorithm: DigestAlgorithm, bytes: Uint8Array): string {
  return `${algorithm}:${hashFor(algorithm).update(bytes).digest('hex')}`;
}

/** The path of a blob in an OCI layout: `blobs/<algorithm>/<hex>`. */
export function blobPath(digest: ParsedDigest): string {
  return `blobs/${digest.algorithm}/${digest.hex}`;
}
