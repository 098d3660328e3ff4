// Hostile archives at the level of the outer archive and its JSON (the layer tars are the tar corpus's).
import { gzipSync } from 'node:zlib';
import { buildImage, dockerSaveLegacy, dockerSaveOci, ociLayout, sha256, tarMembers, type TarMember } from '../image-builder.ts';
import type { HostileCase } from '../hostile-corpus.ts';

const clean = buildImage({ layers: [{ entries: [{ type: 'file', path: 'etc/hello', size: 300 }] }], config: { User: 'app' } });
const curl = buildImage({ layers: [{ entries: [{ type: 'file', path: 'usr/bin/curl', size: 4000 }] }] });

/** The members of a tar as name → body, in order (directories left out). */
function members(archive: Buffer): Array<{ name: string; body: Buffer }> {
  const out: Array<{ name: string; body: Buffer }> = [];
  for (let at = 0; at + 512 <= archive.length; ) {
    const name = archive.toString('utf8', at, at + 100).replace(/\0.*$/s, '');
    if (name === '') break;
    const size = parseInt(archive.toString('latin1', at + 124, at + 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(archive[at + 156]!);
    if (type === '0' || type === '\0') out.push({ name, body: archive.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

const asMembers = (files: Array<{ name: string; body: Buffer }>): TarMember[] => files.map(({ name, body }) => ({ header: { name }, body }));

/** A config with a JSON key repeated: Go keeps the last one that matches the field, whatever its case. */
function configWithUser(json: string): Buffer {
  const config = Buffer.from(clean.configBytes.toString('utf8').replace('"User":"app"', `"User":"app",${json}`));
  const name = `${sha256(config).slice(7)}.json`;
  const manifest = Buffer.from(JSON.stringify([{ Config: name, RepoTags: ['hostile/user:1'], Layers: ['layer.tar'] }]));
  return tarMembers(asMembers([{ name: 'layer.tar', body: clean.layers[0]!.tar }, { name, body: config }, { name: 'manifest.json', body: manifest }]));
}

/** After the archive's end-of-archive blocks, Go's archive/tar reads nothing more: neither do we. */
const AFTER_TAR_END_CASES: HostileCase[] = [
  {
    file: 'archive-garbage-after-end.tar',
    what: 'garbage after the archive\'s end blocks, which docker load ignores',
    make: () => Buffer.concat([dockerSaveLegacy(clean), Buffer.from('this is not a tar header '.repeat(40))]),
    report: { layerCount: 1, totalBytes: 300 },
  },
  {
    file: 'archive-second-manifest-after-end.tar',
    what: 'a second manifest.json after the archive\'s end blocks: Go\'s archive/tar stops at the end, so does docker load',
    make: () => {
      const first = dockerSaveLegacy(clean);
      const second = tarMembers(asMembers([...members(dockerSaveLegacy(curl)).filter((m) => m.name !== 'manifest.json'), members(dockerSaveLegacy(curl)).find((m) => m.name === 'manifest.json')!]));
      return Buffer.concat([first, second]);
    },
    report: { layerCount: 1, totalBytes: 300 },
  },
];

export const ARCHIVE_CASES: HostileCase[] = [
  ...AFTER_TAR_END_CASES,
  {
    file: 'json-user-case-last-wins.tar',
    what: 'a config whose "User":"app" is followed by "user":"0": Docker runs as 0 (Go matches keys case-insensitively, the last wins)',
    make: () => configWithUser('"user":"0"'),
    report: { layerCount: 1, findings: ['root-user'] },
  },
  {
    file: 'json-config-key-twice.tar',
    what: 'a config with "config" twice in different cases: Go merges both into one struct, the last User wins',
    make: () => {
      const config = Buffer.from(clean.configBytes.toString('utf8').replace(/\}$/, ',"CONFIG":{"User":"root"}}'));
      const name = `${sha256(config).slice(7)}.json`;
      return tarMembers(asMembers([{ name: 'l.tar', body: clean.layers[0]!.tar }, { name, body: config }, { name: 'manifest.json', body: Buffer.from(JSON.stringify([{ Config: name, Layers: ['l.tar'] }])) }]));
    },
    report: { layerCount: 1, findings: ['root-user'] },
  },
  {
    file: 'archive-symlink-then-file.tar',
    what: 'manifest.json first a symlink to a clean image, then a file naming the image with curl: the later member replaces the earlier, as extraction does',
    make: () => {
      const good = members(dockerSaveLegacy(clean));
      const bad = members(dockerSaveLegacy(curl));
      const decoy = good.find((m) => m.name === 'manifest.json')!;
      const rest = [...good.filter((m) => m.name !== 'manifest.json'), ...bad.filter((m) => m.name !== 'manifest.json')];
      return tarMembers([
        ...asMembers([...rest, { name: 'decoy.json', body: decoy.body }]),
        { header: { name: 'manifest.json', type: 'symlink', linkname: 'decoy.json' } },
        ...asMembers([bad.find((m) => m.name === 'manifest.json')!]),
      ]);
    },
    report: { layerCount: 1, totalBytes: 4000 },
  },
  {
    file: 'archive-index-and-manifest-differ.tar',
    what: 'a Docker 25+ save whose index.json names the clean image and manifest.json the one with curl: the two stores would run different images',
    make: () => {
      const oci = members(dockerSaveOci(clean, { repoTag: 'hostile/split:1' }));
      const other = members(dockerSaveOci(curl, { repoTag: 'hostile/split:1' }));
      const files = new Map(oci.map((m) => [m.name, m.body]));
      for (const m of other) if (m.name.startsWith('blobs/')) files.set(m.name, m.body);
      files.set('manifest.json', other.find((m) => m.name === 'manifest.json')!.body);
      return tarMembers(asMembers([...files].map(([name, body]) => ({ name, body }))));
    },
    error: /archive-index-and-manifest-differ\.tar: index\.json and manifest\.json describe different images/,
  },
  {
    file: 'archive-two-images-legacy.tar',
    what: 'manifest.json with two images (docker save a b): refused with the list, never audited as the first',
    make: () => {
      const a = members(dockerSaveLegacy(clean, { repoTag: 'hostile/a:1' }));
      const b = members(dockerSaveLegacy(curl, { repoTag: 'hostile/b:1' }));
      const manifest = JSON.stringify([...JSON.parse(a.find((m) => m.name === 'manifest.json')!.body.toString()), ...JSON.parse(b.find((m) => m.name === 'manifest.json')!.body.toString())]);
      const files = new Map([...a, ...b].map((m) => [m.name, m.body]));
      files.set('manifest.json', Buffer.from(manifest));
      files.delete('repositories');
      return tarMembers(asMembers([...files].map(([name, body]) => ({ name, body }))));
    },
    error: /archive-two-images-legacy\.tar: manifest\.json holds 2 images: hostile\/a:1 \(.*\), hostile\/b:1 \(.*\); choose one with --image/,
  },
  {
    file: 'archive-two-images-oci.tar',
    what: 'a Docker 25+ style index.json with two images: refused with the list, never audited as the first',
    make: () => {
      const a = ociLayout(clean, { compression: 'none', refName: 'a' });
      const b = ociLayout(curl, { compression: 'none', refName: 'b' });
      const files = new Map([...a.files, ...b.files]);
      files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [a.root, b.root] })));
      return tarMembers(asMembers([...files].map(([name, body]) => ({ name, body }))));
    },
    error: /archive-two-images-oci\.tar: the archive holds 2 images: a \(sha256:.*\), b \(sha256:.*\); choose one with --image/,
  },
  {
    file: 'archive-member-outside.tar',
    what: 'an archive member named ../escape: docker load refuses the archive',
    make: () => Buffer.concat([tarMembers(asMembers([{ name: '../escape', body: Buffer.from('x') }, ...members(dockerSaveLegacy(clean))]))]),
    error: /archive-member-outside\.tar: member "\.\.\/escape" points outside the archive/,
  },
  {
    file: 'archive-manifest-is-fifo.tar',
    what: 'manifest.json is a FIFO member (Docker would hang reading it): one line',
    make: () => tarMembers([...asMembers(members(dockerSaveLegacy(clean)).filter((m) => m.name !== 'manifest.json')), { header: { name: 'manifest.json', type: 'fifo' } }]),
    error: /archive-manifest-is-fifo\.tar: (manifest\.json is a fifo|neither index\.json nor manifest\.json)/,
  },
  {
    file: 'archive-sha512-manifest-mismatch.tar',
    what: 'an OCI archive whose manifest is named by a sha512 digest its bytes do not have: verified with sha512, refused',
    make: () => {
      const layout = ociLayout(clean, { compression: 'gzip' });
      const manifest = layout.files.get(`blobs/sha256/${layout.root.digest.slice(7)}`)!;
      const fake = 'f'.repeat(128);
      const files = new Map(layout.files);
      files.set(`blobs/sha512/${fake}`, manifest);
      files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ ...layout.root, digest: `sha512:${fake}` }] })));
      return tarMembers(asMembers([...files].map(([name, body]) => ({ name, body }))));
    },
    error: /archive-sha512-manifest-mismatch\.tar: manifest blobs\/sha512\/f+: digest mismatch \(the bytes hash to sha512:/,
  },
  {
    file: 'archive-sha512-blobs.tar',
    what: 'an OCI archive whose layers, config and manifest are all named by sha512 digests: each verified with sha512',
    make: () => tarMembers(asMembers([...ociLayout(clean, { compression: 'gzip', digestAlgorithm: 'sha512' }).files].map(([name, body]) => ({ name, body })))),
    report: { layerCount: 1, totalBytes: 300, layerVerification: 'sha512' },
  },
  {
    file: 'archive-sha512-layer-swapped.tar',
    what: 'an OCI archive whose sha512-named layer blob holds other bytes: the sha512 of the layer is checked, and refused',
    make: () => {
      const layout = ociLayout(clean, { compression: 'none', digestAlgorithm: 'sha512' });
      const layer = layout.images[0]!.layers[0]!;
      const files = new Map(layout.files);
      // The same entries with other bytes: the same size, so only the sha512 can tell.
      const other = buildImage({ layers: [{ entries: [{ type: 'file', path: 'etc/hello', content: 'x'.repeat(300) }] }] });
      files.set(`blobs/sha512/${layer.digest.slice(7)}`, other.layers[0]!.tar);
      return tarMembers(asMembers([...files].map(([name, body]) => ({ name, body }))));
    },
    error: /archive-sha512-layer-swapped\.tar: layer 0 \(blobs\/sha512\/[0-9a-f]{128}\): digest mismatch: the manifest says sha512:/,
  },
  {
    file: 'archive-unknown-digest-algorithm.tar',
    what: 'a manifest named by a digest algorithm that cannot be verified: refused, never reported as checked',
    make: () => {
      const layout = ociLayout(clean, { compression: 'gzip' });
      const files = new Map(layout.files);
      files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ ...layout.root, digest: `md5:${'0'.repeat(32)}` }] })));
      return tarMembers(asMembers([...files].map(([name, body]) => ({ name, body }))));
    },
    error: /archive-unknown-digest-algorithm\.tar: index\.json: field manifests\.0\.digest: digest algorithm "md5" is not one that can be verified/,
  },
  {
    file: 'archive-bzip2.tar',
    what: 'an archive compressed with bzip2, which docker load reads and Node cannot: one line that says so',
    make: () => Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(200, 0x42)]),
    error: /archive-bzip2\.tar: the archive is compressed with bzip2, which this tool does not read/,
  },
  {
    file: 'archive-gzip-cut.tar',
    what: 'a docker save | gzip cut in half: one line',
    make: () => {
      const gz = gzipSync(dockerSaveLegacy(clean));
      return gz.subarray(0, Math.floor(gz.length / 2));
    },
    error: /archive-gzip-cut\.tar: (the archive is cut short|cannot read the archive)/,
  },
];
