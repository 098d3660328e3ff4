import { InputError } from '../errors.js';
import type { Platform } from '../oci/schemas.js';
import { formatPlatform, parsePlatform, platformMatches } from './platform.js';

/**
 * Which platform of a local image to audit, and how to ask the engine for it.
 *
 * The graphdriver store holds one image per name: its platform is the inspect's Os/Architecture. The
 * containerd store (Docker 25+) holds an index: with `?manifests=1` (Engine API 1.48+, Docker 28) inspect
 * lists each platform's manifest and whether its content is stored, and the export takes a `platform`
 * (also 1.48+) and writes only that manifest, with no other platform's blobs. Older engines ignore both
 * query parameters; there the platform is selected from the exported index.
 */

/** The part of the engine's inspect answer that says which platforms the image holds. */
export interface InspectPlatforms {
  Os?: string;
  Architecture?: string;
  Variant?: string;
  /** The containerd store: the image's own descriptor (an index, or a single manifest). */
  Descriptor?: { mediaType?: string };
  /** With `?manifests=1` on Engine API 1.48+, containerd store only. */
  Manifests?: Array<{ Kind?: string; Available?: boolean; Descriptor?: { platform?: Platform }; ImageData?: { Platform?: Platform } }> | null;
}

export interface DaemonPlatform {
  /** The platform to audit, always set: the archive's index is resolved with it. */
  platform: string;
  /** `platform=<json>` for the export's query when the engine takes it, else empty. */
  exportQuery: string;
}

/** The query the export takes (1.48+): a JSON-encoded OCI platform. */
export function platformQuery(platform: string): string {
  const { os, architecture, variant } = parsePlatform(platform);
  return `platform=${encodeURIComponent(JSON.stringify(variant ? { os, architecture, variant } : { os, architecture }))}`;
}

function listed(platforms: readonly string[]): string {
  return platforms.length === 0 ? 'no platform stored' : platforms.join(', ');
}

/** The containerd store on Engine API 1.48+: choose among the platforms whose content the engine has. */
async function fromManifests(ref: string, info: InspectPlatforms, requested: string | undefined, enginePlatform: () => Promise<string>): Promise<DaemonPlatform> {
  // A manifest that is not in an index (an image `docker load`ed from a legacy archive) has its platform in ImageData only.
  const images = (info.Manifests ?? []).flatMap((manifest) => {
    const platform = manifest.ImageData?.Platform ?? manifest.Descriptor?.platform;
    return manifest.Kind === 'image' && platform ? [{ platform, available: manifest.Available === true }] : [];
  });
  const stored = images.filter((image) => image.available).map((image) => image.platform);
  const absent = images.filter((image) => !image.available).map((image) => formatPlatform(image.platform));
  const storedNames = stored.map(formatPlatform);
  const notStored = absent.length > 0 ? `; listed but not stored: ${absent.join(', ')}` : '';
  const pick = (wanted: string): string | undefined => {
    const match = stored.find((platform) => platformMatches(parsePlatform(wanted), platform));
    return match && formatPlatform(match);
  };
  let chosen: string | undefined;
  if (requested !== undefined) {
    chosen = pick(requested);
    if (!chosen) {
      const pull = absent.some((name) => platformMatches(parsePlatform(requested), parsePlatform(name))) ? ` (pull it with --platform ${requested})` : '';
      throw new InputError(`${ref}: no image for platform ${requested} in the engine${pull}; it has ${listed(storedNames)}${notStored}`);
    }
  } else {
    const own = await enginePlatform();
    chosen = pick(own) ?? (stored.length === 1 ? storedNames[0] : undefined);
    if (!chosen) throw new InputError(`${ref}: no image for the engine's platform ${own}; it has ${listed(storedNames)}${notStored} (choose one with --platform)`);
  }
  return { platform: chosen, exportQuery: platformQuery(chosen) };
}

/**
 * The platform to audit: `--platform` when given; else the engine's own platform (what `docker run` runs),
 * or the image's only platform when it has just one (what `docker run` runs then, emulated).
 */
export async function chooseDaemonPlatform(ref: string, info: InspectPlatforms, requested: string | undefined, enginePlatform: () => Promise<string>): Promise<DaemonPlatform> {
  if (Array.isArray(info.Manifests)) return fromManifests(ref, info, requested, enginePlatform);
  const own = formatPlatform({ os: info.Os ?? '', architecture: info.Architecture ?? '', variant: info.Variant });
  if (info.Descriptor?.mediaType?.includes('image.index') || info.Descriptor?.mediaType?.includes('manifest.list')) {
    // The containerd store before 1.48: the export holds the whole index; inspect's platform is the engine's
    // own choice among the stored ones.
    return { platform: requested ?? own, exportQuery: '' };
  }
  if (requested !== undefined && !platformMatches(parsePlatform(requested), parsePlatform(own))) {
    throw new InputError(`${ref}: no image for platform ${requested} in the engine; it has ${own} (its image store keeps one platform per name)`);
  }
  return { platform: own, exportQuery: '' };
}

/**
 * Whether the engine's copy holds `platform` with its content (a bare reference is otherwise read from the
 * registry): a stored manifest of the containerd store (1.48+), an index before 1.48 (its platforms are only
 * known from the export: taken as held), or the one platform of a graphdriver image.
 */
export function holdsPlatform(info: InspectPlatforms, platform: string): boolean {
  const wanted = parsePlatform(platform);
  if (Array.isArray(info.Manifests)) {
    return info.Manifests.some((manifest) => {
      const held = manifest.ImageData?.Platform ?? manifest.Descriptor?.platform;
      return manifest.Kind === 'image' && manifest.Available === true && held !== undefined && platformMatches(wanted, held);
    });
  }
  const media = info.Descriptor?.mediaType ?? '';
  if (media.includes('image.index') || media.includes('manifest.list')) return true;
  return platformMatches(wanted, { os: info.Os ?? '', architecture: info.Architecture ?? '', ...(info.Variant ? { variant: info.Variant } : {}) });
}

/** The platforms whose content the engine's copy holds, for messages (an index before 1.48: its inspect platform). */
export function heldPlatforms(info: InspectPlatforms): string[] {
  if (Array.isArray(info.Manifests)) {
    return info.Manifests.flatMap((manifest) => {
      const held = manifest.ImageData?.Platform ?? manifest.Descriptor?.platform;
      return manifest.Kind === 'image' && manifest.Available === true && held ? [formatPlatform(held)] : [];
    });
  }
  return [formatPlatform({ os: info.Os ?? '', architecture: info.Architecture ?? '', variant: info.Variant })];
}
