import {
  buildImage,
  CREATED,
  dockerSaveLegacy,
  ociArchive,
  ociLayout,
  seededBytes,
  sha256,
  tarMembers,
  type BuiltImage,
  type ImageConfig,
} from './image-builder.ts';
import { paxRecord, rawTar, type RawEntry } from './raw-tar.ts';
import { ARCHIVE_CASES } from './hostile/archive-cases.ts';
import { LAYER_CASES } from './hostile/layer-cases.ts';

/** What auditing one hostile archive must end in. */
export interface HostileCase {
  /** File name under fixtures/hostile/. */
  file: string;
  what: string;
  make(): Buffer;
  /** Exit 2 with one line matching this; or undefined for "a normal report". */
  error?: RegExp;
  /** For a normal report: facts that must hold in the JSON report. */
  report?: { layerCount?: number; totalBytes?: number; hiddenBytes?: number; paths?: string[]; findings?: string[]; layerVerification?: string };
}

/** An image whose layers are the given raw tars (a config with matching diff ids and history). */
export function imageFromTars(tars: Buffer[], extra: Partial<ImageConfig> = {}): BuiltImage {
  const layers = tars.map((tar) => ({ tar, diffId: sha256(tar) }));
  const config: ImageConfig = {
    created: CREATED,
    architecture: 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created: CREATED, created_by: `/bin/sh -c #(nop) ADD layer-${i}.tar in / ` })),
    ...extra,
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  return { layers, config, configBytes, configDigest: sha256(configBytes), platform: { architecture: 'amd64', os: 'linux' } };
}

const save = (tars: Buffer[]): Buffer => dockerSaveLegacy(imageFromTars(tars), { repoTag: 'hostile/case:1' });
const file = (name: string, size: number): RawEntry => ({ name, type: '0', body: Buffer.alloc(size, 0x61) });
const small = buildImage({ layers: [{ entries: [{ type: 'file', path: 'etc/hello', size: 2000 }] }, { entries: [{ type: 'file', path: 'bin/tool', size: 5000 }] }] });

/** An OCI archive (gzip or zstd) with one layer blob's stored bytes replaced. */
function ociWithBlob(compression: 'gzip' | 'zstd', change: (blob: Buffer) => Buffer): Buffer {
  const layout = ociLayout(small, { compression });
  const digest = layout.images[0]!.layers[0]!.digest;
  const files = new Map(layout.files);
  files.set(`blobs/sha256/${digest.slice(7)}`, change(files.get(`blobs/sha256/${digest.slice(7)}`)!));
  return tarMembers([...files].map(([name, body]) => ({ header: { name }, body })));
}

/** A legacy docker-save with its manifest.json replaced. */
function saveWithManifest(manifest: string): Buffer {
  const layout = new Map<string, Buffer>();
  layout.set('manifest.json', Buffer.from(manifest));
  layout.set('config.json', small.configBytes);
  return tarMembers([...layout].map(([name, body]) => ({ header: { name }, body })));
}

const deepName = Array.from({ length: 3000 }, (_, i) => `d${i % 10}`).join('/') + '/leaf';

export const HOSTILE_CASES: HostileCase[] = [
  {
    file: 'dotdot-and-absolute-names.tar',
    what: 'layer members named ../../etc/passwd, /abs/path and a/../../b stay inside the image model',
    make: () => save([rawTar([file('../../etc/passwd', 10), file('/abs/path', 20), file('a/../../b', 30)])]),
    report: { layerCount: 1, totalBytes: 60, paths: ['/etc/passwd', '/abs/path', '/b'] },
  },
  {
    file: 'links-outside-and-loops.tar',
    what: 'symlinks out of the root and in a loop, a hard link to a path outside: data, never followed on the host',
    make: () =>
      save([
        rawTar([
          { name: 'evil', type: '2', linkname: '../../../../etc/shadow' },
          { name: 'loop-a', type: '2', linkname: 'loop-b' },
          { name: 'loop-b', type: '2', linkname: 'loop-a' },
          { name: 'bin/curl', type: '2', linkname: '/loop-a' },
          { name: 'hard', type: '1', linkname: '../../outside' },
        ]),
      ]),
    report: { layerCount: 1, totalBytes: 0, paths: ['/evil', '/loop-a', '/loop-b', '/hard'] },
  },
  {
    file: 'duplicate-entries.tar',
    what: 'the same path twice in one layer: the first copy is hidden by its own layer',
    make: () => save([rawTar([file('dup', 100), file('dup', 40)])]),
    report: { layerCount: 1, totalBytes: 140, hiddenBytes: 100 },
  },
  {
    file: 'gnu-long-name.tar',
    what: 'a GNU long-name (L) entry',
    make: () => {
      const long = 'g/'.repeat(80) + 'long-file-name';
      return save([rawTar([{ name: '././@LongLink', type: 'L', body: Buffer.from(long + '\0'), magic: 'gnu' }, { ...file(long.slice(0, 99), 7), magic: 'gnu' }])]);
    },
    report: { layerCount: 1, totalBytes: 7, paths: ['/' + 'g/'.repeat(80) + 'long-file-name'] },
  },
  {
    file: 'pax-long-name.tar',
    what: 'a PAX path record for a non-ASCII, very long name',
    make: () => {
      const name = 'ü/'.repeat(100) + '名前.txt';
      return save([rawTar([{ name: 'PaxHeader', type: 'x', body: Buffer.from(paxRecord('path', name)) }, file('placeholder', 9)])]);
    },
    report: { layerCount: 1, totalBytes: 9, paths: ['/' + 'ü/'.repeat(100) + '名前.txt'] },
  },
  {
    file: 'very-deep-path.tar',
    what: 'a path 3000 directories deep (9,000 bytes): over PATH_MAX, which the kernel refuses, so Docker cannot load it',
    make: () => save([rawTar([{ name: 'PaxHeader', type: 'x', body: Buffer.from(paxRecord('path', deepName)) }, file('x', 3)]), rawTar([{ name: '.wh.d0', type: '0' }])]),
    error: /very-deep-path\.tar: .*PATH_MAX/,
  },
  {
    file: 'deep-path-under-path-max.tar',
    what: 'a path 1,300 directories deep (3,900 bytes): under PATH_MAX, so Docker loads it, and so do we (the lint bench globs over it)',
    make: () => save([rawTar([{ name: 'PaxHeader', type: 'x', body: Buffer.from(paxRecord('path', 'd0/'.repeat(1300) + 'x')) }, file('x', 3)]), rawTar([{ name: '.wh.d0', type: '0' }])]),
    report: { layerCount: 2, totalBytes: 3, hiddenBytes: 3 },
  },
  {
    file: 'gnu-sparse.tar',
    what: "a GNU sparse (S) entry: Go reads it, moby refuses the type (unhandled tar header type 'S')",
    make: () => save([rawTar([{ ...file('sparse', 512), type: 'S', magic: 'gnu' }, file('after', 5)])]),
    error: /gnu-sparse\.tar: .*type 'S'/,
  },
  {
    file: 'pax-huge-length.tar',
    what: 'a PAX header whose size field claims far more data than the archive has',
    make: () => save([rawTar([{ name: 'PaxHeader', type: 'x', size: 2 ** 33, body: Buffer.from(paxRecord('path', 'x')) }, file('y', 1)])]),
    error: /pax-huge-length\.tar: .*(cut short|not a valid layer tar|too large)/,
  },
  {
    file: 'pax-lying-record.tar',
    what: 'a PAX record whose own length field is absurd',
    make: () => save([rawTar([{ name: 'PaxHeader', type: 'x', body: Buffer.from(paxRecord('path', 'x', 999_999_999)) }, file('y', 1)])]),
    error: /pax-lying-record\.tar: .*not a valid layer tar/,
  },
  {
    file: 'layer-cut-mid-header.tar',
    what: 'a layer tar that ends in the middle of a header',
    make: () => save([rawTar([file('a', 600), file('b', 1)], false).subarray(0, 1536 + 100)]),
    error: /layer-cut-mid-header\.tar: .*(cut short)/,
  },
  {
    file: 'layer-cut-mid-body.tar',
    what: 'a layer tar that ends in the middle of a file body',
    make: () => save([rawTar([file('a', 4000)], false).subarray(0, 512 + 1000)]),
    error: /layer-cut-mid-body\.tar: .*cut short/,
  },
  {
    file: 'archive-cut-mid-header.tar',
    what: 'the archive itself cut in the middle of a member header',
    make: () => save([rawTar([file('a', 100)])]).subarray(0, 512 * 3 + 200),
    error: /archive-cut-mid-header\.tar: the archive is cut short/,
  },
  {
    file: 'gzip-corrupt.tar',
    what: 'a gzip layer with garbage in the middle',
    make: () => ociWithBlob('gzip', (blob) => Buffer.concat([blob.subarray(0, 20), Buffer.alloc(200, 0x55), blob.subarray(220)])),
    error: /gzip-corrupt\.tar: .*gzip data is corrupt or cut short/,
  },
  {
    file: 'gzip-cut.tar',
    what: 'a gzip layer cut short',
    make: () => ociWithBlob('gzip', (blob) => blob.subarray(0, Math.floor(blob.length / 2))),
    error: /gzip-cut\.tar: .*(gzip data is corrupt or cut short|bytes, but its descriptor says)/,
  },
  {
    file: 'zstd-corrupt.tar',
    what: 'a zstd layer with garbage in the middle',
    make: () => ociWithBlob('zstd', (blob) => Buffer.concat([blob.subarray(0, 12), Buffer.alloc(200, 0x55), blob.subarray(212)])),
    // Without a frame checksum, zstd may decode garbage into bytes that are then no tar.
    error: /zstd-corrupt\.tar: .*(zstd data is corrupt or cut short|not a valid layer tar)/,
  },
  {
    file: 'zstd-cut.tar',
    what: 'a zstd layer cut short',
    make: () => ociWithBlob('zstd', (blob) => blob.subarray(0, Math.floor(blob.length / 2))),
    error: /zstd-cut\.tar: .*(zstd data is corrupt or cut short|bytes, but its descriptor says)/,
  },
  {
    file: 'manifest-points-outside.tar',
    what: 'manifest.json naming a layer outside the archive',
    make: () => saveWithManifest(JSON.stringify([{ Config: 'config.json', RepoTags: null, Layers: ['../../etc/passwd', 'x/layer.tar'] }])),
    error: /manifest-points-outside\.tar: (layer 0 \(\.\.\/\.\.\/etc\/passwd\) is missing|.*outside)/,
  },
  {
    file: 'manifest-malformed.tar',
    what: 'manifest.json with a wrong type',
    make: () => saveWithManifest(JSON.stringify([{ Config: 7, Layers: [] }])),
    error: /manifest-malformed\.tar: manifest\.json: field 0\.Config: /,
  },
  {
    file: 'config-outside.tar',
    what: 'manifest.json naming a config outside the archive',
    make: () => saveWithManifest(JSON.stringify([{ Config: '../../../etc/passwd', Layers: [] }])),
    error: /config-outside\.tar: .*(\.\.\/\.\.\/\.\.\/etc\/passwd|etc\/passwd) (is missing from the archive|points outside the archive)/,
  },
  {
    file: 'index-missing-manifest.tar',
    what: 'index.json pointing at a manifest blob that is not there',
    make: () => {
      const layout = ociLayout(small, { compression: 'gzip' });
      const files = new Map(layout.files);
      files.delete(`blobs/sha256/${layout.root.digest.slice(7)}`);
      return tarMembers([...files].map(([name, body]) => ({ header: { name }, body })));
    },
    error: /index-missing-manifest\.tar: blobs\/sha256\/[0-9a-f]{64} is missing from the archive/,
  },
  {
    file: 'index-without-platform.tar',
    what: 'an index that has only linux/arm64: with no --platform, the only image is the one audited',
    make: () => ociArchive([buildImage({ layers: [{ entries: [{ type: 'file', path: 'a', size: 1 }] }], architecture: 'arm64' })], { compression: 'gzip' }),
    report: { layerCount: 1, totalBytes: 1 },
  },
  {
    file: 'zero-layers.tar',
    what: 'an image with no layers at all',
    make: () => save([]),
    report: { layerCount: 0, totalBytes: 0, hiddenBytes: 0 },
  },
  {
    file: 'five-hundred-layers.tar',
    what: 'an image of 500 layers, each rewriting one file',
    make: () => save(Array.from({ length: 500 }, (_, i) => rawTar([file('same', 10 + (i % 7))]))),
    report: { layerCount: 500 },
  },
  {
    file: 'not-a-tar.tar',
    what: 'random bytes where an archive should be',
    make: () => seededBytes(4096, 'not-a-tar'),
    error: /not-a-tar\.tar: not a tar archive/,
  },
  ...LAYER_CASES,
  ...ARCHIVE_CASES,
];
