import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { InputError } from '../errors.js';
import type { ImageMeta } from '../model/image.js';
import {
  dockerArchiveManifestSchema,
  imageConfigSchema,
  imageIndexSchema,
  imageManifestSchema,
  isIndexMediaType,
  parseJson,
  type Descriptor,
  type ImageConfig,
} from '../oci/schemas.js';
import { DEFAULT_PLATFORM, formatPlatform, parsePlatform, platformMatches } from './platform.js';
import type { SourceOptions } from './source.js';

/** Reads a small JSON member of an archive or layout by its path; throws an InputError naming it when absent. */
export type ReadMember = (path: string) => Promise<Buffer>;

const MAX_INDEX_DEPTH = 4;

export function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `blobs/${algorithm}/${hex}`;
}

function sha256(bytes: Buffer): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

async function readBlob(read: ReadMember, descriptor: Descriptor, label: string, what: string): Promise<Buffer> {
  const bytes = await read(blobPath(descriptor.digest));
  const actual = sha256(bytes);
  if (descriptor.digest.startsWith('sha256:') && actual !== descriptor.digest) {
    throw new InputError(`${label}: ${what} ${blobPath(descriptor.digest)}: digest mismatch (the bytes hash to ${actual})`);
  }
  return bytes;
}

function isAttestation(descriptor: Descriptor): boolean {
  return (
    descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown')
  );
}

/** Pick the one image manifest for the platform, walking nested indexes. */
async function selectManifest(
  read: ReadMember,
  label: string,
  manifests: Descriptor[],
  options: SourceOptions,
  depth: number,
  where: string,
): Promise<{ descriptor: Descriptor; refName?: string }> {
  const candidates = manifests.filter((descriptor) => !isAttestation(descriptor));
  if (candidates.length === 0) throw new InputError(`${label}: ${where} lists no image manifest`);
  const withPlatform = candidates.filter((descriptor) => descriptor.platform);
  let chosen: Descriptor | undefined;
  if (withPlatform.length > 0) {
    const wanted = parsePlatform(options.platform ?? DEFAULT_PLATFORM);
    chosen = withPlatform.find((descriptor) => platformMatches(wanted, descriptor.platform!));
    if (!chosen) {
      const available = withPlatform.map((descriptor) => formatPlatform(descriptor.platform!)).join(', ');
      throw new InputError(`${label}: no image for platform ${formatPlatform(wanted)}; available: ${available} (choose one with --platform)`);
    }
  } else {
    chosen = candidates[0]!;
  }
  if (!isIndexMediaType(chosen.mediaType)) {
    const refName = chosen.annotations?.['io.containerd.image.name'] ?? chosen.annotations?.['org.opencontainers.image.ref.name'];
    return refName === undefined ? { descriptor: chosen } : { descriptor: chosen, refName };
  }
  if (depth >= MAX_INDEX_DEPTH) throw new InputError(`${label}: image indexes nested more than ${MAX_INDEX_DEPTH} deep`);
  const nestedPath = blobPath(chosen.digest);
  const nested = parseJson(imageIndexSchema(), await readBlob(read, chosen, label, 'image index'), `${label}: ${nestedPath}`);
  return selectManifest(read, label, nested.manifests, options, depth + 1, nestedPath);
}

function checkPlatform(config: ImageConfig, options: SourceOptions, label: string): string {
  const platform = formatPlatform(config);
  if (options.platform !== undefined && !platformMatches(parsePlatform(options.platform), config)) {
    throw new InputError(`${label}: the image is for ${platform}, not ${options.platform}`);
  }
  return platform;
}

/** An OCI image layout (a directory, an OCI archive, or the `index.json` inside a Docker 25+ `docker save`). */
export async function resolveOciLayout(read: ReadMember, label: string, options: SourceOptions): Promise<ImageMeta> {
  const index = parseJson(imageIndexSchema(), await read('index.json'), `${label}: index.json`);
  const { descriptor, refName } = await selectManifest(read, label, index.manifests, options, 0, 'index.json');
  const manifestPath = blobPath(descriptor.digest);
  const manifest = parseJson(imageManifestSchema(), await readBlob(read, descriptor, label, 'manifest'), `${label}: ${manifestPath}`);
  const configPath = blobPath(manifest.config.digest);
  const config = parseJson(imageConfigSchema(), await readBlob(read, manifest.config, label, 'config'), `${label}: ${configPath}`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new InputError(`${label}: ${manifestPath} lists ${manifest.layers.length} layers but its config has ${diffIds.length} diff_ids`);
  }
  return {
    // A bare tag in org.opencontainers.image.ref.name names the image within this layout.
    ref: refName === undefined ? label : /[/:@]/.test(refName) ? refName : `${label}:${refName}`,
    digest: descriptor.digest,
    configDigest: manifest.config.digest,
    platform: checkPlatform(config, options, label),
    config,
    ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
    layers: manifest.layers.map((layer, i) => ({
      key: blobPath(layer.digest),
      digest: layer.digest,
      diffId: diffIds[i]!,
      mediaType: layer.mediaType,
      size: layer.size,
    })),
  };
}

/** The `manifest.json` of `docker save` (Docker ≤ 24 layout, also present in Docker 25+ and skopeo docker-archive). */
export async function resolveDockerArchive(read: ReadMember, label: string, options: SourceOptions): Promise<ImageMeta> {
  const manifest = parseJson(dockerArchiveManifestSchema(), await read('manifest.json'), `${label}: manifest.json`);
  if (manifest.length > 1) {
    // `docker save a b` holds several images; auditing one silently would be a lie about the others.
    const names = manifest.map((image) => image.RepoTags?.[0] ?? image.Config).join(', ');
    throw new InputError(`${label}: manifest.json holds ${manifest.length} images (${names}); save one image per archive`);
  }
  const image = manifest[0]!;
  const configBytes = await read(posix.normalize(image.Config));
  const config = parseJson(imageConfigSchema(), configBytes, `${label}: ${image.Config}`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== image.Layers.length) {
    throw new InputError(`${label}: manifest.json lists ${image.Layers.length} layers but ${image.Config} has ${diffIds.length} diff_ids`);
  }
  const configDigest = sha256(configBytes);
  return {
    ref: image.RepoTags?.[0] ?? label,
    digest: configDigest,
    configDigest,
    platform: checkPlatform(config, options, label),
    config,
    layers: image.Layers.map((key, i) => ({ key: posix.normalize(key), diffId: diffIds[i]! })),
  };
}
