import { createHash } from 'node:crypto';
import { RegistryError } from './errors.js';
import { discard } from './http.js';
import { MANIFEST_ACCEPT } from './manifests.js';
import { fetchTop, registryImage } from './open.js';

/**
 * The digest a reference points to, from its registry: a manifest HEAD's Docker-Content-Digest, which for a
 * multi-platform tag is the index's, so a pin by it works on every platform. A registry that states no
 * digest is asked for the manifest itself, which is then hashed.
 */
export async function registryDigest(ref: string): Promise<string> {
  const { client, location } = registryImage(ref);
  const request = { path: `/v2/${location.repository}/manifests/${location.reference}`, repository: location.repository, display: location.display, headers: { accept: MANIFEST_ACCEPT } };
  const head = await client.request({ ...request, method: 'HEAD' });
  discard(head);
  const stated = head.headers['docker-content-digest'];
  const digest = Array.isArray(stated) ? stated[0] : stated;
  if (digest && /^sha256:[a-f0-9]{64}$/.test(digest)) return digest;
  const top = await fetchTop({ client, location });
  if (!top.digest.startsWith('sha256:')) throw new RegistryError(`${location.display}: the registry names no sha256 digest`, { kind: 'invalid' });
  return 'sha256:' + createHash('sha256').update(top.bytes).digest('hex');
}
