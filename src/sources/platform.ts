import { InputError } from '../errors.js';
import type { Platform } from '../oci/schemas.js';

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

/** Node's process.arch as Go's GOARCH, with the variant containerd's default platform gives it. */
const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };

/**
 * The platform an engine picks when none is asked for: its own (containerd's platforms.DefaultSpec, which
 * `docker run` and `docker load` use). Images are Linux images wherever the engine runs, so the OS is linux.
 */
export function defaultPlatform(arch: string = process.arch): string {
  return `linux/${GO_ARCH[arch] ?? arch}`;
}
