import { InputError } from '../errors.js';
import type { ImageMeta } from '../model/image.js';
import { decodeGo, GoJsonError } from '../oci/go-json.js';
import { ociLayoutShape } from '../oci/shapes.js';
import type { ArchiveMembers, FileNode } from './archive-members.js';
import { PlatformMissing, SelectionError } from './image-choice.js';
import { DOCUMENT_LIMITS, resolveDockerArchive, resolveOciLayout, type DocumentReader } from './resolve-image.js';
import type { SourceOptions } from './source.js';

type ReadNode = (node: FileNode, cap: number) => Promise<Buffer>;

/**
 * containerd's choice (core/images/archive/importer.go): an `oci-layout` member whose imageLayoutVersion is
 * set makes the archive an OCI layout, read from index.json; manifest.json is then ignored. Every
 * oci-layout member is decoded, in order, into one value, so a later one without the field keeps the
 * earlier version. undefined: no OCI layout; null: one containerd refuses (another version).
 */
async function ociLayoutVersion(members: ArchiveMembers, readNode: ReadNode, label: string): Promise<string | undefined | null> {
  let layout: unknown;
  for (const node of members.ociLayouts) {
    try {
      layout = decodeGo(await readNode(node, DOCUMENT_LIMITS.ociLayout), ociLayoutShape, { mode: 'value', ...(layout ? { into: layout } : {}) });
    } catch (error) {
      if (error instanceof GoJsonError) throw new InputError(`${label}: oci-layout: not valid JSON (${error.message})`);
      throw error;
    }
  }
  const version = (layout as { imageLayoutVersion?: string } | undefined)?.imageLayoutVersion;
  if (!version) return undefined;
  return version === '1.0.0' ? version : null;
}

/**
 * The classic store reads the manifest.json extraction left (a later member replaces an earlier one, a
 * symlink is followed); containerd's importer reads the last regular member of that name. When those are not
 * the same member, the stores load different images (the differential test against the containerd store
 * found archives that run as another user there): refused with one line.
 */
function refuseTwoManifests(members: ArchiveMembers, label: string): void {
  const extracted = members.resolve('manifest.json');
  const last = members.lastRegular.get('manifest.json');
  if (extracted && last && extracted !== last) {
    throw new InputError(`${label}: manifest.json is given more than once (or as a link to another member): Docker's classic store reads ${extracted.path}, its containerd store the last manifest.json member, so what runs would depend on the store`);
  }
}

/**
 * The image of an archive, chosen as `docker load` chooses it. The classic store (Docker 20.10, and 25+
 * without the containerd store) reads manifest.json only; the containerd store reads index.json when the
 * archive is an OCI layout (see ociLayoutVersion), else manifest.json. Docker 25+ writes both.
 *
 * - Only one of them: that one.
 * - Both: each is resolved with the same choice of image and platform. If both give an image and the two
 *   differ (another config, so other layers), the archive runs differently on the two stores: refused with
 *   one line. A platform asked for that only one of them has is taken from that one (the containerd store's
 *   save of a multi-platform image lists the host's alone in manifest.json). Otherwise, if one needs a choice
 *   (several images, a missing platform), that is said. If only one of them resolves, that one is the image
 *   (the other store cannot load it at all).
 * - Neither: a pre-1.10 `docker save` (only `repositories`), which is not supported, or not an image.
 */
export async function resolveArchive(members: ArchiveMembers, readNode: ReadNode, label: string, options: SourceOptions): Promise<ImageMeta> {
  const graphdriver: DocumentReader = {
    async read(path, cap) {
      const node = members.resolve(path);
      if (!node) throw new InputError(`${label}: ${path} is missing from the archive`);
      return readNode(node, cap);
    },
    keyOf: (path) => members.resolve(path)?.key ?? path,
    sizeOf: (path) => members.resolve(path)?.size,
  };
  const version = await ociLayoutVersion(members, readNode, label);
  const hasIndex = version !== undefined && version !== null && members.lastRegular.has('index.json');
  const hasManifest = members.resolve('manifest.json') !== undefined;
  const containerd: DocumentReader = {
    // containerd takes the last regular member named index.json; blobs are found by their layout path.
    read: (path, cap) => (path === 'index.json' ? readNode(members.lastRegular.get('index.json')!, cap) : graphdriver.read(path, cap)),
    keyOf: graphdriver.keyOf,
    sizeOf: graphdriver.sizeOf!,
  };
  if (hasIndex && !hasManifest) return resolveOciLayout(containerd, label, options);
  if (hasManifest && !hasIndex) {
    refuseTwoManifests(members, label);
    return resolveDockerArchive(graphdriver, label, options);
  }
  if (!hasIndex && !hasManifest) {
    if (version === null) throw new InputError(`${label}: oci-layout: an imageLayoutVersion other than 1.0.0, which docker load refuses`);
    if (members.resolve('repositories')) throw new InputError(`${label}: a docker save of Docker before 1.10 (repositories, no manifest.json): not supported`);
    if (members.lastRegular.has('index.json')) throw new InputError(`${label}: index.json without an oci-layout file and no manifest.json: docker load refuses it`);
    throw new InputError(`${label}: neither index.json nor manifest.json found: not an image archive`);
  }
  const [oci, docker] = await Promise.allSettled([resolveOciLayout(containerd, label, options), resolveDockerArchive(graphdriver, label, options)]);
  // A platform asked for that only one of them has (the containerd store's save of a multi-platform image:
  // manifest.json lists the host's image only): the store reading the other cannot run it at all.
  const hasPlatform = (result: PromiseSettledResult<ImageMeta>): boolean => !(result.status === 'rejected' && result.reason instanceof PlatformMissing);
  if (hasPlatform(oci) !== hasPlatform(docker)) {
    const other = hasPlatform(oci) ? oci : docker;
    if (other.status === 'fulfilled') return other.value;
  }
  for (const result of [oci, docker]) if (result.status === 'rejected' && result.reason instanceof SelectionError) throw result.reason;
  if (oci.status === 'fulfilled' && docker.status === 'fulfilled') {
    if (oci.value.configDigest !== docker.value.configDigest) {
      throw new InputError(
        `${label}: index.json and manifest.json describe different images (config ${oci.value.configDigest} and ${docker.value.configDigest}): Docker's containerd store would run the first, its classic store the second`,
      );
    }
    return oci.value;
  }
  if (oci.status === 'fulfilled') return oci.value;
  if (docker.status === 'fulfilled') return docker.value;
  throw oci.reason;
}
