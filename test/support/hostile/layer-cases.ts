/**
 * Hostile layers for parity with the engine (issue 14): each is read as Go's archive/tar and moby read it
 * (checked by `docker load` in test/differential), and must end in that report or in exit 2 with one line.
 */
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { CREATED, dockerSaveLegacy, sha256, type BuiltImage, type ImageConfig } from '../image-builder.ts';
import { paxRecord, rawHeader, rawTar, type RawEntry } from '../raw-tar.ts';
import type { HostileCase } from '../hostile-corpus.ts';

/** A docker-save archive of one layer stored as `blob`, whose uncompressed stream (what Docker hashes) is `tar`. */
function saveLayer(blob: Buffer, tar: Buffer = blob): Buffer {
  return dockerSaveLegacy(buildImageFromTars([{ blob, tar }]), { repoTag: 'hostile/layer:1' });
}

const file = (name: string, size: number): RawEntry => ({ name, type: '0', body: Buffer.alloc(size, 0x61) });
const curl = file('usr/bin/curl', 7);
const withChecksum = (block: Buffer, signed = false): Buffer => {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += signed && byte >= 0x80 ? byte - 256 : byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return block;
};
const pad = (body: Buffer): Buffer => Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
const skippable = (size: number): Buffer => {
  const frame = Buffer.alloc(8 + size);
  frame.writeUInt32LE(0x184d2a50, 0);
  frame.writeUInt32LE(size, 4);
  return frame;
};
/** A layer of 5 MiB: past the 4 MiB where the stall used to become a hang. */
const big = rawTar([file('data/big', 5 * 1024 * 1024), curl]);

export const LAYER_CASES: HostileCase[] = [
  {
    file: 'layer-entries-after-end.tar',
    what: 'usr/bin/curl after the end-of-archive blocks: Go stops at the end, so Docker never creates it',
    make: () => saveLayer(Buffer.concat([rawTar([file('a', 3)]), rawTar([curl])])),
    report: { layerCount: 1, totalBytes: 3 },
  },
  {
    file: 'layer-one-zero-block-then-data.tar',
    what: 'one zero block, then a header: Go says invalid tar header',
    make: () => saveLayer(Buffer.concat([rawTar([file('a', 3)], false), Buffer.alloc(512), rawTar([curl])])),
    error: /layer-one-zero-block-then-data\.tar: .*not a valid layer tar \(Invalid tar header: a zero block is followed by data\)/,
  },
  {
    file: 'layer-symlink-with-body.tar',
    what: 'a symlink whose size field claims a body that is the header of usr/bin/curl: Go reads no body for it',
    make: () => saveLayer(rawTar([{ name: 'link', type: '2', linkname: 'x', size: 512, body: Buffer.concat([rawHeader(curl), pad(curl.body!)]) }])),
    report: { layerCount: 1, totalBytes: 7 },
  },
  {
    file: 'layer-gnu-long-name-over-pax-path.tar',
    what: 'a GNU long name and a PAX path for one entry: Go takes the GNU name',
    make: () => {
      const pax = Buffer.from(paxRecord('path', 'pax-name'));
      const long = Buffer.from('gnu-name\0');
      return saveLayer(rawTar([{ name: 'PaxHeader', type: 'x', body: pax }, { name: '././@LongLink', type: 'L', body: long, magic: 'gnu' }, { ...file('short', 5), magic: 'gnu' }]));
    },
    report: { layerCount: 1, totalBytes: 5, paths: ['/gnu-name'] },
  },
  {
    file: 'layer-pax-global-header.tar',
    what: 'a PAX global header naming usr/bin/curl with a size: an entry of its own to Go, ignored by moby, applied to nothing',
    make: () => saveLayer(rawTar([{ name: 'GlobalHead', type: 'g', body: Buffer.from(paxRecord('path', 'usr/bin/curl') + paxRecord('size', '7')) }, file('plain', 2)])),
    report: { layerCount: 1, totalBytes: 2 },
  },
  {
    file: 'layer-v7-signed-checksum-padded-size.tar',
    what: 'a V7 header (no magic) with a signed checksum and a size padded with spaces and NULs: Go reads it',
    make: () => {
      const block = rawHeader(file('caf\u00e9', 0));
      block.fill(0, 257, 265); // no magic: V7
      Buffer.from([0x63, 0x61, 0x66, 0xe9]).copy(block, 0); // a Latin-1 byte >= 0x80: the sums differ
      block.write('  5 \0\0\0\0\0\0\0\0', 124, 'latin1');
      return saveLayer(Buffer.concat([withChecksum(block, true), pad(Buffer.from('hello')), Buffer.alloc(1024)]));
    },
    report: { layerCount: 1, totalBytes: 5 },
  },
  {
    file: 'layer-star-prefix.tar',
    what: 'a STAR header (trailer "tar\\0") whose prefix puts the file under usr/bin',
    make: () => {
      const block = rawHeader({ ...file('curl', 0), size: 7 });
      block.write('usr/bin', 345, 'latin1');
      block.write('tar\0', 508, 'latin1');
      return saveLayer(Buffer.concat([withChecksum(block), pad(Buffer.alloc(7, 0x61)), Buffer.alloc(1024)]));
    },
    report: { layerCount: 1, totalBytes: 7, paths: ['/usr/bin/curl'] },
  },
  {
    file: 'layer-invalid-utf8-names.tar',
    what: 'two names that differ only in invalid UTF-8 bytes: two files to Docker, none hides the other',
    make: () => {
      const a = rawHeader(file('a-', 10));
      a[1] = 0xff;
      const b = rawHeader(file('a-', 10));
      b[1] = 0xfe;
      return saveLayer(Buffer.concat([withChecksum(a), pad(Buffer.alloc(10)), withChecksum(b), pad(Buffer.alloc(10)), Buffer.alloc(1024)]));
    },
    report: { layerCount: 1, totalBytes: 20, hiddenBytes: 0 },
  },
  {
    file: 'layer-unknown-type.tar',
    what: "an entry of type 'A': Go returns it, moby refuses it (unhandled tar header type)",
    make: () => saveLayer(rawTar([{ ...file('odd', 3), type: 'A' }])),
    error: /layer-unknown-type\.tar: .*entry "odd" has tar type 'A', which Docker cannot apply/,
  },
  {
    file: 'layer-name-over-path-max.tar',
    what: 'a PAX path of 5,000 bytes: the kernel refuses it (ENAMETOOLONG), so the load fails',
    make: () => saveLayer(rawTar([{ name: 'PaxHeader', type: 'x', body: Buffer.from(paxRecord('path', 'd/'.repeat(2500) + 'f')) }, file('x', 1)])),
    error: /layer-name-over-path-max\.tar: .*longer than the 4095 bytes Linux allows \(PATH_MAX\)/,
  },
  {
    file: 'layer-pax-record-over-1mib.tar',
    what: 'a PAX header of 2 MiB: over Go\'s 1 MiB limit (header field too long)',
    make: () => {
      const tar = rawTar([{ name: 'PaxHeader', type: 'x', body: Buffer.from(paxRecord('comment', 'x'.repeat(2 * 1024 * 1024))) }, file('x', 1)]);
      return saveLayer(gzipSync(tar), tar);
    },
    error: /layer-pax-record-over-1mib\.tar: .*over Go's limit of 1 MiB/,
  },
  {
    file: 'layer-estargz-toc.tar',
    what: "an eStargz layer: its table of contents lies after the tar's end blocks, as a gzip member of its own",
    make: () => {
      const tar = rawTar([file('a', 4)]);
      const toc = rawTar([{ name: 'stargz.index.json', type: '0', body: Buffer.from('{"version":1,"entries":[]}') }]);
      return saveLayer(Buffer.concat([gzipSync(tar), gzipSync(toc)]), Buffer.concat([tar, toc]));
    },
    report: { layerCount: 1, totalBytes: 4 },
  },
  {
    file: 'layer-gzip-trailing-nuls-5mib.tar',
    what: 'a 5 MiB gzip layer followed by NUL bytes: Docker loads it (the old stall, then hang)',
    make: () => saveLayer(Buffer.concat([gzipSync(big), Buffer.alloc(16)]), big),
    report: { layerCount: 1, totalBytes: 5 * 1024 * 1024 + 7 },
  },
  {
    file: 'layer-gzip-second-member.tar',
    what: 'a gzip layer in two members, the tar split between them: one stream to Docker',
    make: () => {
      const tar = rawTar([file('a', 3000), curl]);
      return saveLayer(Buffer.concat([gzipSync(tar.subarray(0, 1000)), gzipSync(tar.subarray(1000))]), tar);
    },
    report: { layerCount: 1, totalBytes: 3007 },
  },
  {
    file: 'layer-gzip-trailing-garbage.tar',
    what: 'text after a complete gzip member: Go\'s gzip refuses it; unpigz would ignore it; we refuse, never read short',
    make: () => {
      const tar = rawTar([curl]);
      return saveLayer(Buffer.concat([gzipSync(tar), Buffer.from('garbage after the member')]), tar);
    },
    error: /layer-gzip-trailing-garbage\.tar: .*gzip data is corrupt or cut short/,
  },
  {
    file: 'layer-zstd-skippable-first.tar',
    what: 'a zstd layer that starts with a skippable frame: moby and containerd read it',
    make: () => {
      const tar = rawTar([curl]);
      return saveLayer(Buffer.concat([skippable(12), zstdCompressSync(tar)]), tar);
    },
    report: { layerCount: 1, totalBytes: 7 },
  },
  {
    file: 'layer-zstd-trailing-nuls.tar',
    what: 'NUL bytes after a zstd frame: Go\'s zstd reader (klauspost) refuses them, magic number mismatch',
    make: () => {
      const tar = rawTar([curl]);
      return saveLayer(Buffer.concat([zstdCompressSync(tar), Buffer.alloc(8)]), tar);
    },
    error: /layer-zstd-trailing-nuls\.tar: .*data after the last zstd frame/,
  },
  {
    file: 'layer-bzip2.tar',
    what: 'a bzip2 layer: Docker reads it, this tool cannot, and says so',
    make: () => saveLayer(Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(100)])),
    error: /layer-bzip2\.tar: .*bzip2-compressed/,
  },
  {
    file: 'layer-package-lists-over-cap.tar',
    what: '10 dpkg .list files of 16 MiB each (160 MiB, gzip to a few hundred KB): captured up to the cap, then noted',
    make: () => {
      const tar = rawTar(Array.from({ length: 10 }, (_, i) => ({ name: `var/lib/dpkg/info/p${i}.list`, type: '0', body: Buffer.alloc(16 * 1024 * 1024, 0x0a) })));
      return saveLayer(gzipSync(tar), tar);
    },
    report: { layerCount: 1, totalBytes: 160 * 1024 * 1024, findings: ['extra-tool'] },
  },
  {
    file: 'image-package-lists-over-cap.tar',
    what: '8 layers of three 15 MiB dpkg .list files each (each layer under its cap, 360 MiB in all): the image\'s cap, then noted',
    make: () => {
      const tars = Array.from({ length: 8 }, (_, layer) =>
        rawTar(Array.from({ length: 3 }, (_, i) => ({ name: `var/lib/dpkg/info/l${layer}-p${i}.list`, type: '0', body: Buffer.alloc(15 * 1024 * 1024, 0x0a) }))),
      );
      const image = buildImageFromTars(tars.map((tar) => ({ blob: gzipSync(tar), tar })));
      return dockerSaveLegacy(image, { repoTag: 'hostile/layers:1' });
    },
    report: { layerCount: 8, totalBytes: 8 * 3 * 15 * 1024 * 1024, findings: ['extra-tool'] },
  },
];

/** An image of several layers given as their blobs (and the tars they decompress to). */
function buildImageFromTars(layers: Array<{ blob: Buffer; tar: Buffer }>): BuiltImage {
  const diffIds = layers.map(({ tar }) => sha256(tar));
  const config: ImageConfig = {
    created: CREATED, architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map(() => ({ created: CREATED, created_by: '/bin/sh -c #(nop) ADD layer.tar in / ' })),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  return { layers: layers.map(({ blob }, i) => ({ tar: blob, diffId: diffIds[i]! })), config, configBytes, configDigest: sha256(configBytes), platform: { architecture: 'amd64', os: 'linux' } };
}
