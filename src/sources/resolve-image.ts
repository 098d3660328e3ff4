import { InputError } from '../errors.js';
import type { ImageMeta, PlatformChoice } from '../model/image.js';
import { blobPath, digestOf, isParsedDigest, parseDigest } from '../oci/digest.js';
import { decodeDockerManifest, decodeImageConfig, decodeImageIndex, decodeImageManifest, isIndexMediaType, type Descriptor, type ImageConfig } from '../oci/schemas.js';
import { describeImages, matchesImageName, PlatformMissing, SelectionError } from './image-choice.js';
import { defaultPlatform, formatPlatform, parsePlatform, platformMatches } from './platform.js';
import type { SourceOptions } from './source.js';

/**
 * Reads the documents of an archive or layout by path, each within a cap, and names the blob a path
 * resolves to (the key its LayerBlob carries). Throws an InputError naming a path that is missing.
 */
export interface DocumentReader {
  read(path: string, cap: number): Promise<Buffer>;
  keyOf(path: string): string;
  /** The stored size of the blob at `path`, when known without reading it. */
  sizeOf?(path: string): number | undefined;
}

const MiB = 1024 * 1024;
/**
 * Caps on the documents Docker reads. Manifests and indexes: 4 MiB, the registry's (distribution's) limit,
 * so any image that went through a registry fits. manifest.json and oci-layout: 20 MiB, the limit of
 * containerd's importer (jsonLimit). Configs: 32 MiB; Docker sets none, and the largest real ones (hundreds
 * of history entries) are well under 1 MiB.
 */
export const DOCUMENT_LIMITS = { index: 4 * MiB, manifest: 4 * MiB, config: 32 * MiB, dockerManifest: 20 * MiB, ociLayout: 20 * MiB } as const;

const MAX_INDEX_DEPTH = 4;

/** A blob named by a descriptor: its digest verified with its own algorithm, its size the descriptor's. */
async function readBlob(reader: DocumentReader, descriptor: Descriptor, label: string, what: string, cap: number): Promise<Buffer> {
  const digest = parseDigest(descriptor.digest);
  if (!isParsedDigest(digest)) throw new InputError(`${label}: ${what}: ${digest.error}`);
  const path = blobPath(digest);
  if (descriptor.size > cap) throw new InputError(`${label}: ${what} ${path}: its descriptor says ${descriptor.size} bytes, over the ${cap}-byte limit`);
  const bytes = await reader.read(path, cap);
  if (bytes.length !== descriptor.size) throw new InputError(`${label}: ${what} ${path}: ${bytes.length} bytes, but its descriptor says ${descriptor.size}`);
  const actual = digestOf(digest.algorithm, bytes);
  if (actual !== descriptor.digest) throw new InputError(`${label}: ${what} ${path}: digest mismatch (the bytes hash to ${actual})`);
  return bytes;
}

/** Attestations (BuildKit's provenance and SBOM manifests) are never an image to run. */
function isAttestation(descriptor: Descriptor): boolean {
  return (
    descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown')
  );
}

/** The name containerd gives an index.json entry (client/import.go imageName): its image name, else its ref name. */
function entryName(descriptor: Descriptor): string | undefined {
  return descriptor.annotations?.['io.containerd.image.name'] || descriptor.annotations?.['org.opencontainers.image.ref.name'] || undefined;
}

interface Chosen {
  descriptor: Descriptor;
  platformChosen: PlatformChoice;
}

/**
 * The one image manifest among `manifests` for the platform, walking nested indexes. One candidate: that
 * one. Several, each with a platform: the one asked for, else the engine's default, the host's platform (as
 * `docker run` and containerd's default matcher choose). Several without platforms: ambiguous.
 */
async function selectManifest(reader: DocumentReader, label: string, manifests: Descriptor[], options: SourceOptions, depth: number, where: string): Promise<Chosen> {
  const candidates = manifests.filter((descriptor) => !isAttestation(descriptor));
  if (candidates.length === 0) throw new InputError(`${label}: ${where} lists no image manifest`);
  let chosen: Descriptor;
  let platformChosen: PlatformChoice = options.platform !== undefined ? 'requested' : 'only';
  // One candidate is the image, unless it states a platform other than the one asked for.
  if (candidates.length === 1 && (options.platform === undefined || !candidates[0]!.platform)) chosen = candidates[0]!;
  else {
    if (candidates.some((descriptor) => !descriptor.platform)) {
      throw new SelectionError(`${label}: ${where} lists ${candidates.length} manifests, not all with a platform: ${candidates.map((d) => d.digest).join(', ')}`);
    }
    const wanted = parsePlatform(options.platform ?? defaultPlatform());
    const found = candidates.find((descriptor) => platformMatches(wanted, descriptor.platform!));
    if (!found) {
      const available = candidates.map((descriptor) => formatPlatform(descriptor.platform!)).join(', ');
      const Missing = options.platform !== undefined ? PlatformMissing : SelectionError;
      throw new Missing(`${label}: no image for platform ${formatPlatform(wanted)}; available: ${available} (choose one with --platform)`);
    }
    chosen = found;
    if (options.platform === undefined) platformChosen = 'default';
  }
  if (!isIndexMediaType(chosen.mediaType)) return { descriptor: chosen, platformChosen };
  if (depth >= MAX_INDEX_DEPTH) throw new InputError(`${label}: image indexes nested more than ${MAX_INDEX_DEPTH} deep`);
  const nestedPath = chosen.digest.replace(':', '/');
  const nested = decodeImageIndex(await readBlob(reader, chosen, label, 'image index', DOCUMENT_LIMITS.index), `${label}: blobs/${nestedPath}`);
  const inner = await selectManifest(reader, label, nested.manifests, options, depth + 1, `blobs/${nestedPath}`);
  return inner.platformChosen === 'only' && platformChosen !== 'only' ? { ...inner, platformChosen } : inner;
}

function checkPlatform(config: ImageConfig, options: SourceOptions, label: string): string {
  const platform = formatPlatform(config);
  if (options.platform !== undefined && !platformMatches(parsePlatform(options.platform), config)) {
    throw new PlatformMissing(`${label}: the image is for ${platform}, not ${options.platform}`);
  }
  return platform;
}

/** The index.json entries of the image asked for (`--image`), or of the only image there is. */
function chooseEntries(manifests: Descriptor[], label: string, options: SourceOptions): Descriptor[] {
  let entries = manifests.filter((descriptor) => !isAttestation(descriptor));
  if (options.image !== undefined) {
    const wanted = options.image;
    entries = entries.filter((descriptor) => descriptor.digest === wanted || matchesImageName(wanted, entryName(descriptor)));
    if (entries.length === 0) throw new SelectionError(`${label}: no image ${wanted}; the archive holds ${describeImages(manifests.filter((d) => !isAttestation(d)).map((d) => ({ name: entryName(d), digest: d.digest })))}`);
  }
  // Entries of one digest are one image under several names (`docker save a:1 a:2`).
  const digests = new Set(entries.map((descriptor) => descriptor.digest));
  const names = new Set(entries.map(entryName));
  // Unnamed entries with platforms are the platforms of one image (an index.json without a nested index).
  const onePlatformSet = names.size === 1 && entries.every((descriptor) => descriptor.platform);
  if (digests.size > 1 && !onePlatformSet) {
    throw new SelectionError(`${label}: the archive holds ${digests.size} images: ${describeImages(entries.map((d) => ({ name: entryName(d), digest: d.digest })))}; choose one with --image`);
  }
  return digests.size === 1 ? [entries[0]!] : entries;
}

/** An OCI image layout (a directory, an OCI archive, or the `index.json` inside a Docker 25+ `docker save`). */
export async function resolveOciLayout(reader: DocumentReader, label: string, options: SourceOptions): Promise<ImageMeta> {
  const index = decodeImageIndex(await reader.read('index.json', DOCUMENT_LIMITS.index), `${label}: index.json`);
  const entries = chooseEntries(index.manifests, label, options);
  const refName = entryName(entries[0]!);
  const { descriptor, platformChosen } = await selectManifest(reader, label, entries, options, 0, 'index.json');
  const manifestPath = `blobs/${descriptor.digest.replace(':', '/')}`;
  const manifest = decodeImageManifest(await readBlob(reader, descriptor, label, 'manifest', DOCUMENT_LIMITS.manifest), `${label}: ${manifestPath}`);
  const configPath = `blobs/${manifest.config.digest.replace(':', '/')}`;
  const config = decodeImageConfig(await readBlob(reader, manifest.config, label, 'config', DOCUMENT_LIMITS.config), `${label}: ${configPath}`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new InputError(`${label}: ${manifestPath} lists ${manifest.layers.length} layers but its config has ${diffIds.length} diff_ids`);
  }
  const layers = manifest.layers.map((layer, i) => {
    const digest = parseDigest(layer.digest);
    if (!isParsedDigest(digest)) throw new InputError(`${label}: ${manifestPath}: layer ${i}: ${digest.error}`);
    const stored = reader.sizeOf?.(blobPath(digest));
    if (stored !== undefined && stored !== layer.size) throw new InputError(`${label}: layer ${i} (${blobPath(digest)}): ${stored} bytes, but its descriptor says ${layer.size}`);
    return { key: reader.keyOf(blobPath(digest)), digest: layer.digest, diffId: diffIds[i]!, mediaType: layer.mediaType, size: layer.size };
  });
  return {
    // A bare tag in org.opencontainers.image.ref.name names the image within this layout.
    ref: refName === undefined ? label : /[/:@]/.test(refName) ? refName : `${label}:${refName}`,
    digest: descriptor.digest,
    configDigest: manifest.config.digest,
    platform: checkPlatform(config, options, label),
    platformChosen,
    config,
    ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
    layers,
  };
}

/** The `manifest.json` of `docker save` (Docker ≤ 24 layout, also present in Docker 25+ and skopeo docker-archive). */
export async function resolveDockerArchive(reader: DocumentReader, label: string, options: SourceOptions): Promise<ImageMeta> {
  const manifest = decodeDockerManifest(await reader.read('manifest.json', DOCUMENT_LIMITS.dockerManifest), `${label}: manifest.json`);
  const configs = new Map<string, Buffer>();
  const configOf = async (path: string): Promise<Buffer> => {
    const bytes = configs.get(path) ?? (await reader.read(path, DOCUMENT_LIMITS.config));
    configs.set(path, bytes);
    return bytes;
  };
  let items = manifest;
  if (options.image !== undefined) {
    const wanted = options.image;
    const matching = [];
    for (const item of items) {
      if ((item.RepoTags ?? []).some((tag) => matchesImageName(wanted, tag))) matching.push(item);
      else if (/^sha256:/.test(wanted) && digestOf('sha256', await configOf(item.Config)) === wanted) matching.push(item);
    }
    if (matching.length === 0) throw new SelectionError(`${label}: no image ${wanted}; manifest.json holds ${describeImages(items.map((i) => ({ name: i.RepoTags?.[0], digest: i.Config })))}`);
    items = matching;
  }
  if (items.length > 1) {
    // `docker save a b` loads every image; auditing one silently would be a lie about the others.
    throw new SelectionError(`${label}: manifest.json holds ${items.length} images: ${describeImages(items.map((i) => ({ name: i.RepoTags?.[0], digest: i.Config })))}; choose one with --image`);
  }
  const image = items[0]!;
  const configBytes = await configOf(image.Config);
  const config = decodeImageConfig(configBytes, `${label}: ${image.Config}`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== image.Layers.length) {
    throw new InputError(`${label}: manifest.json lists ${image.Layers.length} layers but ${image.Config} has ${diffIds.length} diff_ids`);
  }
  const configDigest = digestOf('sha256', configBytes);
  const wantedTag = options.image !== undefined ? image.RepoTags?.find((tag) => matchesImageName(options.image!, tag)) : undefined;
  return {
    ref: wantedTag ?? image.RepoTags?.[0] ?? label,
    digest: configDigest,
    configDigest,
    platform: checkPlatform(config, options, label),
    platformChosen: options.platform !== undefined ? 'requested' : 'only',
    config,
    layers: image.Layers.map((path, i) => ({ key: reader.keyOf(path), diffId: diffIds[i]! })),
  };
}
