import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { MEDIA_TYPES, buildImage, goJson, ociLayout, sha256, type BuiltImage, type Descriptor } from '../image-builder.js';
import { richImage } from '../rich-image.js';

const run = promisify(execFile);

export interface CopyOptions {
  creds?: string;
  /** A directory with the registry's ca.crt (skopeo's --dest-cert-dir). */
  certDir?: string;
  /** false: plain HTTP or unverified TLS. */
  tlsVerify?: boolean;
  format?: 'oci' | 'v2s2';
  compression?: 'gzip' | 'zstd';
  all?: boolean;
  /** Upload the blobs as they are: no recompression, no reuse of a blob the registry holds in another compression. */
  preserveDigests?: boolean;
}

/** `skopeo copy` into a registry, the way images get there in CI. */
export async function skopeoCopy(source: string, destination: string, options: CopyOptions = {}): Promise<void> {
  const args = ['copy', '-q', '--retry-times', '2'];
  if (options.all) args.push('--all');
  if (options.preserveDigests) args.push('--preserve-digests');
  if (options.creds) args.push('--dest-creds', options.creds);
  if (options.certDir) args.push('--dest-cert-dir', options.certDir);
  if (options.tlsVerify === false && destination.startsWith('docker://')) args.push('--dest-tls-verify=false');
  if (options.format) args.push('--format', options.format);
  if (options.compression) args.push('--dest-compress', '--dest-compress-format', options.compression);
  args.push(source, destination);
  try {
    await run('skopeo', args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    throw new Error(`skopeo ${args.join(' ')} failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
}

/** Two platforms of the rich test image, with different layers on top (so each platform's answer is its own). */
export function twoPlatforms(): { amd64: BuiltImage; arm64: BuiltImage } {
  const amd64 = buildImage(richImage);
  const arm64 = buildImage({
    ...richImage,
    architecture: 'arm64',
    variant: 'v8',
    layers: [...richImage.layers, { entries: [{ type: 'file', path: 'etc/arm64-only', size: 3000 }], createdBy: 'RUN echo arm64' }],
  });
  return { amd64, arm64 };
}

function put(files: Map<string, Buffer>, mediaType: string, bytes: Buffer): Descriptor {
  const digest = sha256(bytes);
  files.set(`blobs/sha256/${digest.slice(7)}`, bytes);
  return { mediaType, digest, size: bytes.length };
}

/**
 * A multi-platform OCI layout as BuildKit pushes it: an index of two images plus, for the first, an
 * attestation manifest (platform unknown/unknown, vnd.docker.reference.type: attestation-manifest) with an
 * in-toto layer. Written to `dir`; `oci:dir:multi` names it for skopeo.
 */
export function writeMultiPlatformLayout(dir: string, images: BuiltImage[], compression: 'gzip' | 'zstd'): { index: Descriptor } {
  const layout = ociLayout(images, { compression });
  const files = layout.files;
  const statement = Buffer.from(goJson({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://spdx.dev/Document', subject: [] }));
  const attestationLayer = put(files, 'application/vnd.in-toto+json', statement);
  attestationLayer.annotations = { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' };
  const config = put(files, MEDIA_TYPES.ociConfig, Buffer.from(goJson({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(statement)] } })));
  const manifest = put(files, MEDIA_TYPES.ociManifest, Buffer.from(goJson({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers: [attestationLayer] })));
  const first = layout.images[0]!.manifest;
  const manifests = [
    ...layout.images.map((image, i) => ({ ...image.manifest, platform: { ...images[i]!.platform } })),
    { ...manifest, annotations: { 'vnd.docker.reference.digest': first.digest, 'vnd.docker.reference.type': 'attestation-manifest' }, platform: { architecture: 'unknown', os: 'unknown' } },
  ];
  files.delete(`blobs/sha256/${layout.root.digest.slice(7)}`);
  const index = put(files, MEDIA_TYPES.ociIndex, Buffer.from(goJson({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests })));
  files.set('index.json', Buffer.from(goJson({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [{ ...index, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }] })));
  for (const [path, body] of files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, body);
  }
  return { index };
}

/**
 * Push an archive to a registry with its layers in this compression: converted into a local OCI layout
 * first, then uploaded as they are (skopeo would otherwise reuse blobs the registry has in another one).
 */
export async function pushCompressed(archive: string, work: string, destination: string, compression: 'gzip' | 'zstd', options: CopyOptions = {}): Promise<void> {
  const layout = join(work, `layout-${compression}-${Math.random().toString(36).slice(2)}`);
  await skopeoCopy(`docker-archive:${archive}`, `oci:${layout}:image`, { compression });
  await skopeoCopy(`oci:${layout}:image`, destination, { ...options, preserveDigests: true });
}

/**
 * Push an OCI layout's image index whole (every manifest in it, attestation manifests too): as it is, or with
 * its layers recompressed to zstd in a local layout first (see pushCompressed).
 */
export async function pushIndex(layout: string, refName: string, work: string, destination: string, compression: 'as-is' | 'zstd', options: CopyOptions = {}): Promise<void> {
  let source = `oci:${layout}:${refName}`;
  if (compression === 'zstd') {
    const converted = join(work, `index-zstd-${Math.random().toString(36).slice(2)}`);
    await skopeoCopy(source, `oci:${converted}:image`, { all: true, compression });
    source = `oci:${converted}:image`;
  }
  await skopeoCopy(source, destination, { ...options, all: true, preserveDigests: true });
}
