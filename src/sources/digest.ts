import type { ResolvedDigest } from '../dockerfile/rules/references.js';
import { connectDocker, repoDigestFor } from './daemon.js';

/**
 * The manifest digest of an image reference as the local engine knows it (RepoDigests of a pulled image).
 * Undefined when the engine does not know it.
 */
export async function resolveDigestWithDaemon(ref: string): Promise<string | undefined> {
  try {
    return repoDigestFor(await (await connectDocker()).getImage(ref).inspect(), ref);
  } catch {
    return undefined;
  }
}

/**
 * The digest to pin a reference by, so that `unpinned-base` can give the exact line to paste: asked of its
 * registry (no engine needed), and of the local engine's RepoDigests only when the registry cannot be
 * reached. A registry that answers but refuses or does not know the reference gives no digest.
 */
export async function resolveDigest(ref: string): Promise<ResolvedDigest | undefined> {
  const { registryDigest, RegistryError } = await import('./registry/index.js');
  try {
    return { digest: await registryDigest(ref), from: 'registry' };
  } catch (error) {
    if (!(error instanceof RegistryError) || error.kind !== 'unreachable') return undefined;
  }
  const digest = await resolveDigestWithDaemon(ref);
  return digest === undefined ? undefined : { digest, from: 'engine' };
}
