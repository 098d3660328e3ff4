import { InputError } from '../errors.js';
import type { Platform } from '../oci/schemas.js';

export const DEFAULT_PLATFORM = 'linux/amd64';

export function formatPlatform(platform: { os: string; architecture: string; variant?: string | undefined }): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, ...rest] = text.split('/');
  if (!os || !architecture || rest.length > 0) throw new InputError(`--platform ${text}: expected os/arch[/variant], e.g. linux/amd64`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** Variant is compared only when asked for: "linux/arm64" matches an index entry "linux/arm64/v8". */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  if (wanted.os !== candidate.os || wanted.architecture !== candidate.architecture) return false;
  return wanted.variant === undefined || wanted.variant === candidate.variant;
}
