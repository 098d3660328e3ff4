import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/analysis/analyze.js';
import { auditImage } from '../../src/audit.js';
import { defaultPlatform } from '../../src/sources/platform.js';
import { gzipSync } from 'node:zlib';
import { buildImage, compress, dockerSaveLegacy, dockerSaveOci, ociArchive, ociLayout, tarMembers, writeOciLayout } from '../support/image-builder.js';
import { LONG_NAME, UNICODE_NAME, richExpected, richImage } from '../support/rich-image.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const built = buildImage(richImage);
const duplicateLayers = buildImage({ layers: [richImage.layers[0]!, { entries: [{ type: 'file', path: 'same', content: 'x' }] }, { entries: [{ type: 'file', path: 'same', content: 'x' }] }] });

const sources: Array<[string, () => string]> = [
  ['docker save, legacy layout (Docker <= 24)', () => write('legacy.tar', dockerSaveLegacy(built, { repoTag: 'rich/app:1' }))],
  ['docker save, OCI layout (Docker 25+)', () => write('docker25.tar', dockerSaveOci(built, { repoTag: 'rich/app:1' }))],
  ['OCI archive, uncompressed', () => write('oci-plain.tar', ociArchive(built, { compression: 'none' }))],
  ['OCI archive, gzip', () => write('oci-gzip.tar', ociArchive(built, { compression: 'gzip' }))],
  ['OCI archive, zstd', () => write('oci-zstd.tar', ociArchive(built, { compression: 'zstd' }))],
  ['OCI archive, metadata before blobs', () => write('oci-meta-first.tar', ociArchive(built, { compression: 'gzip', order: 'metadata-first' }))],
  ['OCI layout directory, zstd', () => (writeOciLayout(join(dir, 'layout'), built, { compression: 'zstd' }), 'oci:' + join(dir, 'layout'))],
  ['docker-archive: prefix', () => 'docker-archive:' + write('prefixed.tar', dockerSaveLegacy(built))],
  // docker load decompresses the archive first: `docker save | gzip` loads, and so it must read.
  ['docker save | gzip', () => write('saved.tar.gz', gzipSync(dockerSaveLegacy(built, { repoTag: 'rich/app:1' })))],
  ['docker save (Docker 25+) | zstd', () => write('saved.tar.zst', compress(dockerSaveOci(built, { repoTag: 'rich/app:1' }), 'zstd'))],
];

function comparable(analysis: Analysis): unknown {
  return {
    totalBytes: analysis.image.totalBytes,
    layers: analysis.layers.map(({ size, files, hiddenBytes, createdBy }) => ({ size, files, hiddenBytes, createdBy })),
    hiddenBytes: analysis.waste.hiddenBytes,
    hidden: analysis.waste.files.all(),
  };
}

describe('every archive layout gives the same, exact analysis', () => {
  it.each(sources)('%s', async (_name, make) => {
    const analysis = await auditImage({ source: make() });
    expect(comparable(analysis)).toEqual({
      totalBytes: richExpected.totalBytes,
      layers: richExpected.layers,
      hiddenBytes: richExpected.hiddenBytes,
      hidden: richExpected.hidden,
    });
    expect(analysis.layers.map((l) => l.diffId)).toEqual(built.layers.map((l) => l.diffId));
    expect(analysis.waste.ratio).toBeCloseTo(richExpected.hiddenBytes / richExpected.totalBytes, 12);
    expect(analysis.image.platform).toBe('linux/amd64');
    expect(analysis.filesystem.lookup('/' + LONG_NAME)).toMatchObject({ kind: 'file', size: 456 });
    expect(analysis.filesystem.lookup('/' + UNICODE_NAME)).toMatchObject({ kind: 'file', size: 123 });
    expect(analysis.filesystem.lookup('/usr/bin/big-link')).toMatchObject({ kind: 'hardlink', size: 20000 });
    expect(analysis.filesystem.lookup('/usr/bin/t')).toMatchObject({ kind: 'symlink', linkTarget: 'tool' });
    expect(analysis.filesystem.lookup('/usr/bin/tool')).toMatchObject({ mode: 0o755, layer: 1 });
  });

  it.each([
    ['docker save, legacy layout', () => dockerSaveLegacy(built)],
    ['OCI archive, gzip, metadata last', () => ociArchive(built, { compression: 'gzip' })],
  ])('%s, streamed through a pipe (nothing to seek: every layer read as it passes)', async (name, make) => {
    const fifo = join(dir, `pipe-${name.length}`);
    execFileSync('mkfifo', [fifo]);
    const writing = new Promise<void>((resolve, reject) => createWriteStream(fifo).on('error', reject).end(make(), resolve));
    const [analysis] = await Promise.all([auditImage({ source: fifo }), writing]);
    expect(comparable(analysis)).toEqual({ totalBytes: richExpected.totalBytes, layers: richExpected.layers, hiddenBytes: richExpected.hiddenBytes, hidden: richExpected.hidden });
    expect(analysis.layers.map((l) => l.diffId)).toEqual(built.layers.map((l) => l.diffId));
  });

  it('layers over 4 MiB, whose stored bytes a hashing thread reads from the file itself', async () => {
    const large = buildImage({
      layers: [
        { entries: [{ type: 'file', path: 'big/a', size: 5 * 1024 * 1024 }] },
        { entries: [{ type: 'file', path: 'big/b', size: 6 * 1024 * 1024 }, { type: 'whiteout', path: 'big/a' }] },
      ],
    });
    for (const path of [write('large-legacy.tar', dockerSaveLegacy(large)), write('large-oci.tar', ociArchive(large, { compression: 'none' }))]) {
      const progress = { layersRead: 0, bytesRead: 0 };
      const analysis = await auditImage({ source: path, progress });
      expect(analysis.layers.map((l) => l.diffId)).toEqual(large.layers.map((l) => l.diffId));
      expect(analysis.waste.hiddenBytes).toBe(5 * 1024 * 1024);
      // The progress line ends on exactly the bytes read: each layer counted once, never twice; the totals, known
      // from the manifest before the layers are read, are the same.
      const bytes = analysis.layers.reduce((sum, l) => sum + l.blobSize, 0);
      expect(progress).toEqual({ layersRead: 2, bytesRead: bytes, layersTotal: 2, bytesTotal: bytes });
    }
    const swapped = ociLayout(large, { compression: 'none' });
    const [first, second] = swapped.images[0]!.layers;
    const files = new Map(swapped.files);
    files.set(`blobs/sha256/${first!.digest.slice(7)}`, files.get(`blobs/sha256/${second!.digest.slice(7)}`)!);
    const bad = write('large-swapped.tar', tarMembers([...files].map(([name, body]) => ({ header: { name }, body }))));
    await expect(auditImage({ source: bad })).rejects.toThrow(/layer 0 .*(digest mismatch|but its descriptor says)/);
  });

  it('names the image by its tag and digest where the archive says them', async () => {
    const legacy = await auditImage({ source: write('named.tar', dockerSaveLegacy(built, { repoTag: 'rich/app:1' })) });
    expect(legacy.image).toMatchObject({ ref: 'rich/app:1', digest: built.configDigest, configDigest: built.configDigest });
    const oci = await auditImage({ source: write('named-oci.tar', ociArchive(built, { compression: 'gzip', refName: 'v1' })) });
    expect(oci.image.ref).toBe(join(dir, 'named-oci.tar') + ':v1');
    const docker25 = await auditImage({ source: write('named-25.tar', dockerSaveOci(built, { repoTag: 'rich/app:1' })) });
    expect(docker25.image.ref).toBe('docker.io/rich/app:1');
    expect(oci.image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(oci.image.digest).not.toBe(built.configDigest);
  });

  it('reads a legacy archive whose duplicate layer is a symlink to the first copy', async () => {
    const path = write('dup.tar', dockerSaveLegacy(duplicateLayers, { duplicateLayerAsSymlink: true }));
    const analysis = await auditImage({ source: path });
    expect(analysis.layers.map((l) => l.size)).toEqual([31629, 1, 1]);
    expect(analysis.waste.files.all()).toEqual([{ path: '/same', size: 1, addedIn: 1, hiddenIn: 2, how: 'overwritten' }]);
  });
});

describe('multi-platform indexes', () => {
  const arm = buildImage({ ...richImage, layers: [{ entries: [{ type: 'file', path: 'arm', size: 77 }] }], architecture: 'arm64', variant: 'v8' });
  const both = (): string => write('multi.tar', ociArchive([built, arm], { compression: 'gzip' }));

  it('takes linux/amd64 by default and the platform asked for otherwise', async () => {
    expect((await auditImage({ source: both() })).image).toMatchObject({ platform: 'linux/amd64', totalBytes: richExpected.totalBytes });
    expect((await auditImage({ source: both(), platform: 'linux/arm64' })).image).toMatchObject({ platform: 'linux/arm64/v8', totalBytes: 77 });
  });

  it('says which platforms exist when the one asked for is missing', async () => {
    await expect(auditImage({ source: both(), platform: 'linux/s390x' })).rejects.toThrow(
      /no image for platform linux\/s390x; available: linux\/amd64, linux\/arm64\/v8/,
    );
  });
});

describe('several images, and choosing one', () => {
  const curl = buildImage({ layers: [{ entries: [{ type: 'file', path: 'usr/bin/curl', size: 4000 }] }] });
  const hostile = (name: string): string => join(__dirname, '../../fixtures/hostile', name);

  it('--image picks one image of a legacy docker save holding two, by tag or by config digest', async () => {
    const byTag = await auditImage({ source: hostile('archive-two-images-legacy.tar'), image: 'hostile/b:1' });
    expect(byTag.image).toMatchObject({ ref: 'hostile/b:1', totalBytes: 4000, platformChosen: 'only' });
    const byDigest = await auditImage({ source: hostile('archive-two-images-legacy.tar'), image: 'docker.io/hostile/a:1' });
    expect(byDigest.image.totalBytes).toBe(300);
    await expect(auditImage({ source: hostile('archive-two-images-legacy.tar'), image: 'hostile/c:1' })).rejects.toThrow(/no image hostile\/c:1; manifest\.json holds hostile\/a:1/);
  });

  it('--image picks one image of an OCI index holding two, by ref name or manifest digest', async () => {
    const analysis = await auditImage({ source: hostile('archive-two-images-oci.tar'), image: 'b' });
    expect(analysis.image.totalBytes).toBe(4000);
  });

  it('with no --platform: the only image, else the host platform, and says which', async () => {
    const arm = buildImage({ layers: [{ entries: [{ type: 'file', path: 'arm', size: 77 }] }], architecture: 'arm64' });
    const only = await auditImage({ source: write('only-arm.tar', ociArchive([arm], { compression: 'gzip' })) });
    expect(only.image).toMatchObject({ platform: 'linux/arm64', platformChosen: 'only' });
    const both = await auditImage({ source: write('two-platforms.tar', ociArchive([curl, arm], { compression: 'gzip' })) });
    expect(both.image).toMatchObject({ platform: 'linux/amd64', platformChosen: 'default' }); // this machine is amd64
    const asked = await auditImage({ source: write('two-platforms.tar', ociArchive([curl, arm], { compression: 'gzip' })), platform: 'linux/arm64' });
    expect(asked.image).toMatchObject({ platform: 'linux/arm64', platformChosen: 'requested' });
  });

  it('the host platform, as Go names it', () => {
    expect(['x64', 'arm64', 'arm', 'ppc64'].map((arch) => defaultPlatform(arch))).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le']);
  });

  it('a later archive member replaces an earlier one of the same path; a hard link keeps what it linked', async () => {
    const legacy = dockerSaveLegacy(curl, { repoTag: 'later/wins:1' });
    const decoy = dockerSaveLegacy(built, { repoTag: 'decoy/app:1' });
    const files = [...new Map([...membersOf(decoy), ...membersOf(legacy)].map((m) => [m.name, m.body]))].filter(([name]) => name !== 'manifest.json');
    const path = write('later.tar', tarMembers([
      ...files.map(([name, body]) => ({ header: { name }, body })),
      { header: { name: 'manifest.json' }, body: membersOf(decoy).find((m) => m.name === 'manifest.json')!.body },
      { header: { name: 'kept.json', type: 'link', linkname: 'manifest.json' } },
      { header: { name: 'manifest.json' }, body: membersOf(legacy).find((m) => m.name === 'manifest.json')!.body },
    ]));
    expect((await auditImage({ source: path })).image).toMatchObject({ ref: 'later/wins:1', totalBytes: 4000 });
  });
});

describe('an OCI layout directory is read only where it is safe to', () => {
  const small = buildImage({ layers: [{ entries: [{ type: 'file', path: 'a', size: 10 }] }] });

  it.each([
    ['index.json a symlink to /dev/zero', (d: string) => (rmSync(join(d, 'index.json')), execFileSync('ln', ['-s', '/dev/zero', join(d, 'index.json')])), /index\.json is a link out of the layout/],
    ['index.json a FIFO', (d: string) => (rmSync(join(d, 'index.json')), execFileSync('mkfifo', [join(d, 'index.json')])), /index\.json is a FIFO, not a file/],
    ['index.json a directory', (d: string) => (rmSync(join(d, 'index.json')), execFileSync('mkdir', [join(d, 'index.json')])), /index\.json is a directory, not a file/],
    ['a manifest blob longer than its descriptor', (d: string, layout: ReturnType<typeof writeOciLayout>) => writeFileSync(join(d, `blobs/sha256/${layout.root.digest.slice(7)}`), Buffer.concat([Buffer.from(' '), readFileSync(join(d, `blobs/sha256/${layout.root.digest.slice(7)}`))])), /manifest blobs\/sha256\/[0-9a-f]+: \d+ bytes, but its descriptor says \d+/],
  ])('%s: one line, before reading it', async (_name, damage, message) => {
    const layoutDir = mkdtempSync(join(dir, 'layout-'));
    const layout = writeOciLayout(layoutDir, small, { compression: 'gzip' });
    damage(layoutDir, layout);
    await expect(auditImage({ source: 'oci:' + layoutDir })).rejects.toThrow(message);
  });
});

function membersOf(archive: Buffer): Array<{ name: string; body: Buffer }> {
  const out: Array<{ name: string; body: Buffer }> = [];
  for (let at = 0; at + 512 <= archive.length; ) {
    const name = archive.toString('utf8', at, at + 100).replace(/\0.*$/s, '');
    if (name === '') break;
    const size = parseInt(archive.toString('latin1', at + 124, at + 136).replace(/\0.*$/s, '').trim() || '0', 8);
    if (archive[at + 156] === 0x30) out.push({ name, body: archive.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
