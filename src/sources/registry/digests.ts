import { InputError } from '../../errors.js';
import { digestOf, isParsedDigest, parseDigest, type ParsedDigest } from '../../oci/digest.js';

/** The digest, in a form we can verify (src/oci/digest.ts: sha256, sha512); an InputError naming `what` otherwise. */
export function checkedDigest(digest: string, what: string): ParsedDigest {
  const parsed = parseDigest(digest);
  if (!isParsedDigest(parsed)) throw new InputError(`${what}: ${parsed.error}`);
  return parsed;
}

/** Throws an InputError naming `what` unless `bytes` hash to `digest`. */
export function verifyDigest(bytes: Uint8Array, digest: string, what: string): void {
  const actual = digestOf(checkedDigest(digest, what).algorithm, bytes);
  if (actual !== digest) throw new InputError(`${what}: digest mismatch: expected ${digest}, the bytes hash to ${actual}`);
}
