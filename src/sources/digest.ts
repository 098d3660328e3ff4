import { parseReference } from '../reference.js';
import { connectDocker } from './daemon.js';

/**
 * The manifest digest of an image reference as the local engine knows it (RepoDigests of a pulled image),
 * so a message can give the exact `FROM name:tag@sha256:…` line. Undefined when the engine does not know it.
 */
export async function resolveDigestWithDaemon(ref: string): Promise<string | undefined> {
  const parsed = parseReference(ref);
  if (!parsed) return undefined;
  try {
    const info = await connectDocker().getImage(ref).inspect();
    const repo = parsed.explicitRegistry ? `${parsed.registry}/${parsed.repository}` : parsed.repository;
    const normal = (name: string): string => name.replace(/^docker\.io\//, '').replace(/^library\//, '');
    const match = (info.RepoDigests ?? []).find((entry) => normal(entry.split('@')[0]!) === normal(repo));
    return match?.split('@')[1];
  } catch {
    return undefined;
  }
}
