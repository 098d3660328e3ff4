import { connectDocker, repoDigestFor } from './daemon.js';

/**
 * The manifest digest of an image reference as the local engine knows it (RepoDigests of a pulled image),
 * so a message can give the exact `FROM name:tag@sha256:…` line. Undefined when the engine does not know it.
 */
export async function resolveDigestWithDaemon(ref: string): Promise<string | undefined> {
  try {
    return repoDigestFor(await (await connectDocker()).getImage(ref).inspect(), ref);
  } catch {
    return undefined;
  }
}
