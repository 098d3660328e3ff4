import { createHash } from 'node:crypto';
import { mediaTypes } from '../../oci/schemas.js';
import type { RegistryLocation } from '../../reference.js';
import type { DocumentReader } from '../resolve-image.js';
import type { RegistryClient } from './client.js';
import { checkedDigest, verifyDigest } from './digests.js';
import { RegistryError } from './errors.js';
import { BodyTooLarge, readBody, type HttpResponse } from './http.js';

/** containerd's bound on a manifest or index: a registry cannot make us hold more than this for one document. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** A config larger than this is not an image config (they are kilobytes), whatever its descriptor says. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** Every kind of manifest we can read, in the Accept header: an image's and a multi-platform index's, OCI and Docker. */
export const MANIFEST_ACCEPT = [mediaTypes.ociIndex, mediaTypes.ociManifest, mediaTypes.dockerManifestList, mediaTypes.dockerManifest].join(', ');

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  /** The digest of the bytes: the one asked for, or for a tag the sha256 of what came. */
  digest: string;
}

function contentType(response: HttpResponse): string {
  return String(response.headers['content-type'] ?? '').split(';')[0]!.trim();
}

async function boundedBody(response: HttpResponse, limit: number, what: string, display: string): Promise<Buffer> {
  try {
    return await readBody(response, limit, what);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw new RegistryError(`${display}: ${error.message}`, { kind: 'invalid' });
    throw error;
  }
}

/** The media type a manifest states for itself, when its Content-Type says nothing useful. */
function declaredMediaType(bytes: Buffer): string | undefined {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown; schemaVersion?: unknown };
    if (typeof value.mediaType === 'string') return value.mediaType;
    if (value.schemaVersion === 1) return 'application/vnd.docker.distribution.manifest.v1+json';
    return Array.isArray(value.manifests) ? mediaTypes.ociIndex : mediaTypes.ociManifest;
  } catch {
    return undefined;
  }
}

/** GET a manifest by tag or digest, bounded, verified (by digest: against it; by tag: against the registry's Docker-Content-Digest). */
export async function fetchManifest(client: RegistryClient, location: RegistryLocation, reference: string): Promise<FetchedManifest> {
  const byDigest = reference.includes(':');
  const what = byDigest ? `manifest ${reference}` : undefined;
  if (byDigest) checkedDigest(reference, location.display);
  const response = await client.request({
    method: 'GET',
    path: `/v2/${location.repository}/manifests/${reference}`,
    repository: location.repository,
    display: location.display,
    ...(what ? { what } : {}),
    headers: { accept: MANIFEST_ACCEPT },
  });
  const bytes = await boundedBody(response, MAX_MANIFEST_BYTES, `the manifest ${reference}`, location.display);
  const stated = contentType(response);
  const mediaType = stated && stated !== 'application/json' && stated !== 'text/plain' ? stated : (declaredMediaType(bytes) ?? stated);
  if (mediaType.startsWith('application/vnd.docker.distribution.manifest.v1')) {
    throw new RegistryError(`${location.display}: the registry has only a schema 1 manifest (${mediaType}), which Docker no longer reads; push the image again with a current tool`, { kind: 'invalid' });
  }
  if (byDigest) {
    verifyDigest(bytes, reference, `${location.display}: manifest`);
    return { bytes, mediaType, digest: reference };
  }
  const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
  const header = response.headers['docker-content-digest'];
  const said = Array.isArray(header) ? header[0] : header;
  if (said?.startsWith('sha256:') && said !== digest) {
    throw new RegistryError(`${location.display}: manifest digest mismatch: the registry says ${said}, the bytes hash to ${digest}`, { kind: 'invalid' });
  }
  return { bytes, mediaType, digest };
}

/** GET a small blob (an image config) whose descriptor is known: exactly its size, verified against its digest. */
export async function fetchSmallBlob(client: RegistryClient, location: RegistryLocation, digest: string, size: number): Promise<Buffer> {
  checkedDigest(digest, location.display);
  if (size > MAX_CONFIG_BYTES) throw new RegistryError(`${location.display}: config ${digest} is ${size} bytes by its descriptor, more than the ${MAX_CONFIG_BYTES} allowed`, { kind: 'invalid' });
  const response = await client.request({ method: 'GET', path: `/v2/${location.repository}/blobs/${digest}`, repository: location.repository, display: location.display, what: `blob ${digest}` });
  const bytes = await boundedBody(response, size, `blob ${digest}`, location.display);
  if (bytes.length !== size) throw new RegistryError(`${location.display}: blob ${digest} is ${bytes.length} bytes, its descriptor says ${size}`, { kind: 'invalid' });
  verifyDigest(bytes, digest, `${location.display}: blob`);
  return bytes;
}

interface Known {
  kind: 'manifest' | 'blob';
  size: number;
}

/** The descriptors a document points to: an index's manifests, a manifest's config. Lenient: the resolver validates. */
function children(bytes: Buffer): Array<[string, Known]> {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as { manifests?: Array<{ digest?: unknown; size?: unknown }>; config?: { digest?: unknown; size?: unknown } };
    const described = (d: { digest?: unknown; size?: unknown } | undefined, kind: Known['kind']): Array<[string, Known]> =>
      d && typeof d.digest === 'string' && typeof d.size === 'number' ? [[d.digest, { kind, size: d.size }]] : [];
    return [...(value.manifests ?? []).flatMap((m) => described(m, 'manifest')), ...described(value.config, 'blob')];
  } catch {
    return [];
  }
}

/**
 * The registry seen as a read-only OCI image layout, so that the very resolver of layouts and archives picks
 * the platform, skips attestation manifests and checks the config against the manifest: `index.json` names
 * the document the reference points to, and `blobs/<alg>/<hex>` fetches a manifest or a config by digest —
 * which one each digest is, and its size, is known from the document that named it.
 */
export function registryAsLayout(client: RegistryClient, location: RegistryLocation, top: FetchedManifest): DocumentReader {
  const documents = new Map<string, Buffer>([[top.digest, top.bytes]]);
  const known = new Map<string, Known>(children(top.bytes));
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: top.mediaType, digest: top.digest, size: top.bytes.length }] }));
  // The resolver's caps (DOCUMENT_LIMITS) are at or above ours: a manifest at most MAX_MANIFEST_BYTES, a config its descriptor's size.
  const read = async (path: string): Promise<Buffer> => {
    if (path === 'index.json') return index;
    const match = /^blobs\/([^/]+)\/([^/]+)$/.exec(path);
    if (!match) throw new RegistryError(`${location.display}: ${path} is not something a registry holds`, { kind: 'invalid' });
    const digest = `${match[1]}:${match[2]}`;
    const held = documents.get(digest);
    if (held) return held;
    const descriptor = known.get(digest);
    if (!descriptor) throw new RegistryError(`${location.display}: ${digest} is named by no document read so far`, { kind: 'invalid' });
    let bytes: Buffer;
    if (descriptor.kind === 'manifest') {
      if (descriptor.size > MAX_MANIFEST_BYTES) throw new RegistryError(`${location.display}: manifest ${digest} is ${descriptor.size} bytes by its descriptor, more than the ${MAX_MANIFEST_BYTES} allowed`, { kind: 'invalid' });
      bytes = (await fetchManifest(client, location, digest)).bytes;
      if (bytes.length !== descriptor.size) throw new RegistryError(`${location.display}: manifest ${digest} is ${bytes.length} bytes, its descriptor says ${descriptor.size}`, { kind: 'invalid' });
      for (const [child, info] of children(bytes)) known.set(child, info);
    } else {
      bytes = await fetchSmallBlob(client, location, digest, descriptor.size);
    }
    documents.set(digest, bytes);
    return bytes;
  };
  return { read, keyOf: (path) => path };
}
