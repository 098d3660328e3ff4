/**
 * The image builder (test/support/image-builder.ts) checked against real tools, not against itself:
 * GNU tar lists the layer tars, skopeo reads the OCI archives / docker archives and verifies digests,
 * and Docker loads the `docker save` tars (and saves them back in the same layout).
 * The tools are required: when one is missing these tests fail (scripts/test-env.sh installs them).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, zstdDecompressSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoFixtures, DEMO_REPO_TAG, demoImageSpec } from '../../scripts/make-fixtures';
import {
  buildImage,
  compress,
  dockerSaveLegacy,
  dockerSaveOci,
  layerTar,
  ociArchive,
  seededBytes,
  sha256,
  writeOciLayout,
  type BuiltImage,
  type EntrySpec,
  type ImageSpec,
  type LayerSpec,
} from '../support/image-builder';
import { imageStore } from '../support/docker-env';

const run = promisify(execFile);
const TOOL_ENV = { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' };

async function sh(cmd: string, args: string[]): Promise<string> {
  const { stdout } = await run(cmd, args, { env: TOOL_ENV, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}


// ---------------------------------------------------------------------------------------------
// Fixtures used across tests
// ---------------------------------------------------------------------------------------------

const LONG_SPLITTABLE = `${'a'.repeat(60)}/${'b'.repeat(60)}/file.txt`; // 130 bytes: fits ustar prefix + name
const LONG_BASENAME = `opt/${'c'.repeat(120)}`; // a 120-byte component: only PAX can hold it
const DEEP = Array.from({ length: 50 }, (_, i) => `dir${String(i).padStart(2, '0')}`).join('/') + '/leaf'; // 304 bytes: beyond prefix (155) + name (100)
const UNICODE = 'usr/share/naïve-日本語.txt';
const LONG_TARGET = `/${'t'.repeat(150)}`;

const RICH_LAYER: LayerSpec = {
  entries: [
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\n' },
    { type: 'dir', path: 'bin/', mode: 0o755 },
    { type: 'file', path: '/bin/busybox', size: 3000, mode: 0o755 },
    { type: 'hardlink', path: 'bin/ls', target: 'bin/busybox' },
    { type: 'symlink', path: 'bin/sh', target: '/bin/busybox' },
    { type: 'symlink', path: 'bin/far', target: LONG_TARGET },
    { type: 'file', path: LONG_SPLITTABLE, content: 'split' },
    { type: 'file', path: LONG_BASENAME, content: 'pax' },
    { type: 'file', path: DEEP, content: 'deep' },
    { type: 'file', path: UNICODE, content: 'ü', uid: 1000, gid: 1001, mode: 0o600 },
    { type: 'hardlink', path: 'usr/share/naïve-link', target: UNICODE },
    { type: 'dir', path: 'tmp/', mode: 0o1777 },
    { type: 'whiteout', path: 'var/cache/apt/archives' },
    { type: 'opaque', path: 'var/log' },
    { type: 'raw', header: { name: 'dev/null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 } },
    { type: 'raw', header: { name: 'etc/xattr-file', type: 'file' }, body: Buffer.from('x'), pax: { 'SCHILY.xattr.user.demo': 'yes' } },
  ],
};

/** One line of `tar -tv` (GNU tar, TZ=UTC, --quoting-style=literal). */
interface Listed {
  perms: string;
  owner: string;
  size: number;
  name: string;
  link?: string;
  hardlink?: string;
}

function parseTarList(stdout: string): Listed[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const m = /^(\S{10}) (\S+)\s+(\d+|\d+,\d+) \d{4}-\d\d-\d\d \d\d:\d\d (.*)$/.exec(line);
      if (!m) throw new Error(`unexpected tar -tv line: ${line}`);
      const [, perms = '', owner = '', size = '0', rest = ''] = m;
      const entry: Listed = { perms, owner, size: size.includes(',') ? 0 : Number(size), name: rest };
      if (perms.startsWith('l')) {
        const i = rest.indexOf(' -> ');
        entry.name = rest.slice(0, i);
        entry.link = rest.slice(i + 4);
      } else if (perms.startsWith('h')) {
        const i = rest.indexOf(' link to ');
        entry.name = rest.slice(0, i);
        entry.hardlink = rest.slice(i + 9);
      }
      return entry;
    });
}

/** Typeflags of a tar's headers in order ('x' = PAX extended header), walking the raw 512-byte blocks. */
function typeflags(buf: Buffer): string[] {
  const flags: string[] = [];
  let offset = 0;
  while (offset + 512 <= buf.length) {
    const block = buf.subarray(offset, offset + 512);
    if (block.every((b) => b === 0)) break;
    const size = parseInt(block.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
    const flag = String.fromCharCode(block[156] ?? 0x30);
    flags.push(flag);
    const hasData = flag === '0' || flag === 'x' || flag === '\0';
    offset += 512 + (hasData ? Math.ceil(size / 512) * 512 : 0);
  }
  return flags;
}

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'image-builder-test-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function tmpFile(name: string, data: Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, data);
  return path;
}

const SMALL_SPEC: ImageSpec = {
  layers: [
    { entries: [{ type: 'dir', path: 'bin/' }, { type: 'file', path: 'bin/tool', size: 20_000, mode: 0o755 }], createdBy: 'ADD rootfs /' },
    { entries: [{ type: 'file', path: 'etc/motd', content: 'hi <&> there\n' }], createdBy: 'RUN echo hi > /etc/motd && true', comment: 'buildkit.dockerfile.v0' },
    { entries: [{ type: 'dir', path: 'bin/' }, { type: 'whiteout', path: 'bin/tool' }], createdBy: 'RUN rm /bin/tool' },
  ],
  emptyHistory: { 0: ['ARG V=1'], 2: ['ENV A=b'], 3: ['USER 1000'], end: ['CMD ["sh"]'] },
  config: { User: '1000', Env: ['A=b'], Cmd: ['sh'], Labels: { 'org.example': 'x' }, WorkingDir: '/' },
};

// ---------------------------------------------------------------------------------------------
// Pure (no tools)
// ---------------------------------------------------------------------------------------------

describe('image builder: determinism and structure', () => {
  it('seededBytes is deterministic, seed-dependent, prefix-stable and incompressible', () => {
    const a = seededBytes(10_000, 7);
    expect(seededBytes(10_000, 7).equals(a)).toBe(true);
    expect(seededBytes(10_000, 8).equals(a)).toBe(false);
    expect(seededBytes(1000, 7).equals(a.subarray(0, 1000))).toBe(true);
    expect(seededBytes(100, 'x').equals(seededBytes(100, 'x'))).toBe(true);
    expect(compress(a, 'gzip').length).toBeGreaterThan(a.length * 0.99);
    expect(compress(a, 'zstd').length).toBeGreaterThan(a.length * 0.99);
  });

  it('compress() round-trips and gzip has no mtime or name', () => {
    const data = Buffer.from('hello '.repeat(1000));
    const gz = compress(data, 'gzip');
    expect(gunzipSync(gz).equals(data)).toBe(true);
    expect(gz.readUInt32LE(4)).toBe(0); // MTIME
    expect(gz[3]! & 0x08).toBe(0); // FNAME flag
    expect(zstdDecompressSync(compress(data, 'zstd')).equals(data)).toBe(true);
  });

  it('builds identical bytes twice, for every output', () => {
    const outputs = () => {
      const img = buildImage(SMALL_SPEC);
      return [
        layerTar(RICH_LAYER),
        img.configBytes,
        ...img.layers.map((l) => l.tar),
        dockerSaveLegacy(SMALL_SPEC, { repoTag: 'x/y:1' }),
        dockerSaveOci(SMALL_SPEC, { repoTag: 'x/y:1' }),
        ociArchive(SMALL_SPEC, { compression: 'gzip' }),
        ociArchive(SMALL_SPEC, { compression: 'zstd' }),
        ociArchive([img, buildImage({ ...SMALL_SPEC, architecture: 'arm64', variant: 'v8' })], { compression: 'gzip', refName: 'm' }),
      ];
    };
    const first = outputs();
    const second = outputs();
    first.forEach((buf, i) => expect(buf.equals(second[i]!), `output ${i}`).toBe(true));
  });

  it('writes the same bytes as tar-stream pack() for the same entries', async () => {
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    const done = (async () => {
      for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
    })();
    const epoch = new Date(0);
    const spec = RICH_LAYER.entries;
    for (const entry of spec) {
      const base = { mtime: epoch, uid: 0, gid: 0 };
      switch (entry.type) {
        case 'file': {
          const body = entry.content !== undefined ? Buffer.from(entry.content) : seededBytes(entry.size ?? 0, entry.path.replace(/^\//, ''));
          pack.entry({ ...base, name: entry.path.replace(/^\//, ''), mode: entry.mode ?? 0o644, uid: entry.uid ?? 0, gid: entry.gid ?? 0 }, body);
          break;
        }
        case 'dir':
          pack.entry({ ...base, name: entry.path.replace(/\/?$/, '/'), type: 'directory', mode: entry.mode ?? 0o755 });
          break;
        case 'symlink':
          pack.entry({ ...base, name: entry.path, type: 'symlink', linkname: entry.target, mode: 0o777 });
          break;
        case 'hardlink': {
          const target = RICH_LAYER.entries.find((e): e is Extract<EntrySpec, { type: 'file' }> => e.type === 'file' && e.path.replace(/^\//, '') === entry.target);
          pack.entry({ ...base, name: entry.path, type: 'link', linkname: entry.target, mode: target?.mode ?? 0o644 });
          break;
        }
        case 'whiteout':
          pack.entry({ ...base, name: 'var/cache/apt/.wh.archives', mode: 0o600 }, Buffer.alloc(0));
          break;
        case 'opaque':
          pack.entry({ ...base, name: 'var/log/.wh..wh..opq', mode: 0o755 }, Buffer.alloc(0));
          break;
        case 'raw': {
          const header = { ...base, mode: 0o644, ...entry.header, name: entry.header.name ?? '', ...(entry.pax ? { pax: entry.pax } : {}) };
          if (entry.body) pack.entry(header, entry.body);
          else pack.entry(header);
          break;
        }
      }
    }
    pack.finalize();
    await done;
    const ours = layerTar({ entries: spec });
    expect(Buffer.concat(chunks).equals(ours)).toBe(true);
  });

  it('uses PAX headers exactly where ustar cannot hold the name', () => {
    const flagsFor = (entry: EntrySpec) => typeflags(layerTar({ entries: [entry] }));
    expect(flagsFor({ type: 'file', path: LONG_SPLITTABLE, content: '' })).toEqual(['0']); // ustar prefix field
    expect(flagsFor({ type: 'file', path: LONG_BASENAME, content: '' })).toEqual(['x', '0']);
    expect(flagsFor({ type: 'file', path: UNICODE, content: '' })).toEqual(['x', '0']);
    expect(flagsFor({ type: 'symlink', path: 'l', target: LONG_TARGET })).toEqual(['x', '2']);
    expect(flagsFor({ type: 'file', path: DEEP, content: '' })).toEqual(['x', '0']);
    expect(flagsFor({ type: 'file', path: 'short', content: '' })).toEqual(['0']);
  });

  it('builds the config: diff_ids, history with empty layers interleaved, platform', () => {
    const img = buildImage(SMALL_SPEC);
    expect(img.configDigest).toBe(sha256(img.configBytes));
    expect(JSON.parse(img.configBytes.toString())).toEqual(img.config);
    expect(img.config.rootfs.diff_ids).toEqual(img.layers.map((l) => sha256(l.tar)));
    expect(img.config.history.map((h) => [h.created_by, h.empty_layer ?? false])).toEqual([
      ['ARG V=1', true],
      ['ADD rootfs /', false],
      ['RUN echo hi > /etc/motd && true', false],
      ['ENV A=b', true],
      ['RUN rm /bin/tool', false],
      ['USER 1000', true],
      ['CMD ["sh"]', true],
    ]);
    expect(img.config.history[2]?.comment).toBe('buildkit.dockerfile.v0');
    expect(img.config).toMatchObject({ architecture: 'amd64', os: 'linux', created: '1970-01-01T00:00:00Z', config: SMALL_SPEC.config });
    expect(img.configBytes.toString()).toContain('\\u0026\\u0026'); // Go's encoding/json escaping, as Docker writes it
    expect(() => buildImage({ layers: [], emptyHistory: { 3: ['x'] } })).toThrow(/emptyHistory/);
    expect(() => layerTar({ entries: [{ type: 'hardlink', path: 'a', target: 'missing' }] })).toThrow(/hard link/);
  });

  it('demo fixtures: deterministic, < 600 KB, and tell the deleted / copied-up / kept story', () => {
    const a = buildDemoFixtures();
    const b = buildDemoFixtures();
    expect([...a.files.keys()]).toEqual(['demo.tar', 'demo-oci-zstd.tar', 'README.md']);
    for (const [name, bytes] of a.files) expect(bytes.equals(b.files.get(name)!), name).toBe(true);
    expect(a.files.get('demo.tar')!.length).toBeLessThan(600_000);
    expect(a.files.get('README.md')!.toString().trimEnd().split('\n')).toHaveLength(3);
    const spec = demoImageSpec();
    expect(spec.layers).toHaveLength(4);
    expect(a.image.config.history.filter((h) => h.empty_layer)).toHaveLength(4);
  });
});

// ---------------------------------------------------------------------------------------------
// GNU tar
// ---------------------------------------------------------------------------------------------

describe('image builder vs GNU tar', () => {
  it('lists every layer entry as specified (PAX long and non-ASCII names, links, whiteouts)', async () => {
    const file = tmpFile('rich-layer.tar', layerTar(RICH_LAYER));
    const listed = parseTarList(await sh('tar', ['--quoting-style=literal', '-tvf', file]));
    expect(listed.map((e) => e.name)).toEqual([
      'etc/',
      'etc/passwd',
      'bin/',
      'bin/busybox',
      'bin/ls',
      'bin/sh',
      'bin/far',
      LONG_SPLITTABLE,
      LONG_BASENAME,
      DEEP,
      UNICODE,
      'usr/share/naïve-link',
      'tmp/',
      'var/cache/apt/.wh.archives',
      'var/log/.wh..wh..opq',
      'dev/null',
      'etc/xattr-file',
    ]);
    const byName = new Map(listed.map((e) => [e.name, e]));
    expect(byName.get('etc/')).toMatchObject({ perms: 'drwxr-xr-x', owner: '0/0' });
    expect(byName.get('etc/passwd')).toMatchObject({ perms: '-rw-r--r--', size: 30 });
    expect(byName.get('bin/busybox')).toMatchObject({ perms: '-rwxr-xr-x', size: 3000 });
    expect(byName.get('bin/ls')).toMatchObject({ perms: 'hrwxr-xr-x', hardlink: 'bin/busybox', size: 0 });
    expect(byName.get('bin/sh')).toMatchObject({ perms: 'lrwxrwxrwx', link: '/bin/busybox' });
    expect(byName.get('bin/far')).toMatchObject({ link: LONG_TARGET });
    expect(byName.get(UNICODE)).toMatchObject({ perms: '-rw-------', owner: '1000/1001', size: 2 });
    expect(byName.get('usr/share/naïve-link')).toMatchObject({ hardlink: UNICODE });
    expect(byName.get('tmp/')).toMatchObject({ perms: 'drwxrwxrwt' });
    expect(byName.get('var/cache/apt/.wh.archives')).toMatchObject({ perms: '-rw-------', size: 0 });
    expect(byName.get('var/log/.wh..wh..opq')).toMatchObject({ perms: '-rwxr-xr-x', size: 0 });
    expect(byName.get('dev/null')?.perms).toBe('crw-rw-rw-');
  });

  it('extracts file contents intact (plain, PAX and non-ASCII names)', async () => {
    const dir = join(tmp, 'extract');
    mkdirSync(dir, { recursive: true });
    const layer: LayerSpec = { entries: RICH_LAYER.entries.filter((e) => e.type === 'file' || e.type === 'dir') };
    const file = tmpFile('files-layer.tar', layerTar(layer));
    await sh('tar', ['-xf', file, '-C', dir, '--no-same-owner']);
    expect(readFileSync(join(dir, 'bin/busybox')).equals(seededBytes(3000, 'bin/busybox'))).toBe(true);
    expect(readFileSync(join(dir, LONG_BASENAME), 'utf8')).toBe('pax');
    expect(readFileSync(join(dir, DEEP), 'utf8')).toBe('deep');
    expect(readFileSync(join(dir, UNICODE), 'utf8')).toBe('ü');
  });

  it('lists the legacy docker-save members in Docker 20.10 order (byte order of paths)', async () => {
    const img = buildImage(SMALL_SPEC);
    const names = parseTarList(await sh('tar', ['-tvf', tmpFile('legacy-order.tar', dockerSaveLegacy(img, { repoTag: 'x/y:1' }))])).map((e) => e.name);
    const sorted = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(names).toEqual(sorted);
    expect(names.slice(-2)).toEqual(['manifest.json', 'repositories']);
    expect(names).toContain(`${img.configDigest.slice(7)}.json`);
    expect(names.filter((n) => n.endsWith('/layer.tar'))).toHaveLength(3);
  });
});

// ---------------------------------------------------------------------------------------------
// skopeo
// ---------------------------------------------------------------------------------------------

describe('image builder vs skopeo', () => {
  for (const compression of ['gzip', 'zstd', 'none'] as const) {
    it(`oci-archive with ${compression} layers: inspect --raw / --config, copy verifies digests`, async () => {
      const img = buildImage(SMALL_SPEC);
      const file = tmpFile(`oci-${compression}.tar`, ociArchive(img, { compression, refName: 'v1' }));
      const manifest = JSON.parse(await sh('skopeo', ['inspect', '--raw', `oci-archive:${file}`]));
      const suffix = compression === 'none' ? '' : `+${compression}`;
      expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
      expect(manifest.config).toEqual({ mediaType: 'application/vnd.oci.image.config.v1+json', digest: img.configDigest, size: img.configBytes.length });
      expect(manifest.layers.map((l: { mediaType: string }) => l.mediaType)).toEqual(img.layers.map(() => `application/vnd.oci.image.layer.v1.tar${suffix}`));
      manifest.layers.forEach((l: { digest: string; size: number }, i: number) => {
        const blob = compression === 'none' ? img.layers[i]!.tar : compress(img.layers[i]!.tar, compression);
        expect(l).toMatchObject({ digest: sha256(blob), size: blob.length });
      });
      const config = JSON.parse(await sh('skopeo', ['inspect', '--config', `oci-archive:${file}`]));
      expect(config.rootfs.diff_ids).toEqual(img.layers.map((l) => l.diffId));
      expect(config.history).toEqual(img.config.history);
      const named = JSON.parse(await sh('skopeo', ['inspect', '--raw', `oci-archive:${file}:v1`]));
      expect(named).toEqual(manifest);
      const out = join(tmp, `copy-${compression}`);
      await sh('skopeo', ['copy', '--quiet', `oci-archive:${file}`, `dir:${out}`]); // fails on any digest mismatch
      const copied = readdirSync(out);
      for (const l of manifest.layers as { digest: string }[]) expect(copied).toContain(l.digest.slice(7));
    });
  }

  it('oci-archive with several images: a nested image index with platforms', async () => {
    const amd = buildImage(SMALL_SPEC);
    const arm = buildImage({ ...SMALL_SPEC, architecture: 'arm64', variant: 'v8' });
    for (const order of ['lexical', 'metadata-first'] as const) {
      const file = tmpFile(`multi-${order}.tar`, ociArchive([amd, arm], { compression: 'gzip', refName: 'multi', order }));
      const index = JSON.parse(await sh('skopeo', ['inspect', '--raw', `oci-archive:${file}`]));
      expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      expect(index.manifests.map((m: { platform: unknown }) => m.platform)).toEqual([
        { architecture: 'amd64', os: 'linux' },
        { architecture: 'arm64', os: 'linux', variant: 'v8' },
      ]);
      const armConfig = JSON.parse(await sh('skopeo', ['--override-arch', 'arm64', '--override-variant', 'v8', 'inspect', '--config', `oci-archive:${file}`]));
      expect(armConfig.architecture).toBe('arm64');
      await sh('skopeo', ['copy', '--quiet', '--all', `oci-archive:${file}`, `dir:${join(tmp, `multi-copy-${order}`)}`]);
    }
  });

  it('writeOciLayout: skopeo reads the directory as oci:', async () => {
    const dir = join(tmp, 'layout');
    const img = buildImage(SMALL_SPEC);
    writeOciLayout(dir, img, { compression: 'gzip', refName: 'latest' });
    const manifest = JSON.parse(await sh('skopeo', ['inspect', '--raw', `oci:${dir}:latest`]));
    expect(manifest.config.digest).toBe(img.configDigest);
    await sh('skopeo', ['copy', '--quiet', `oci:${dir}:latest`, `dir:${join(tmp, 'layout-copy')}`]);
  });

  it('docker-archive: accepts both docker-save layouts and the duplicate-layer symlink', async () => {
    const dup: LayerSpec = { entries: [{ type: 'file', path: 'same', content: 'same' }] };
    const spec: ImageSpec = { layers: [dup, ...SMALL_SPEC.layers, dup], config: SMALL_SPEC.config };
    const img = buildImage(spec);
    const archives = {
      legacy: dockerSaveLegacy(img, { repoTag: 'x/y:1' }),
      symlinked: dockerSaveLegacy(img, { repoTag: 'x/y:1', duplicateLayerAsSymlink: true }),
      oci: dockerSaveOci(img, { repoTag: 'x/y:1' }),
    };
    for (const [name, bytes] of Object.entries(archives)) {
      const info = JSON.parse(await sh('skopeo', ['inspect', `docker-archive:${tmpFile(`docker-${name}.tar`, bytes)}`]));
      expect(info.Layers, name).toEqual(img.layers.map((l) => l.diffId));
      expect(info.Env, name).toEqual(SMALL_SPEC.config?.Env);
    }
    // Docker >= 25's layout is an OCI layout too.
    const viaOci = JSON.parse(await sh('skopeo', ['inspect', '--config', `oci-archive:${join(tmp, 'docker-oci.tar')}`]));
    expect(viaOci.rootfs.diff_ids).toEqual(img.layers.map((l) => l.diffId));
  });

  it('demo OCI archive (zstd) is valid and matches the legacy one', async () => {
    const { image, files } = buildDemoFixtures();
    const file = tmpFile('demo-oci-zstd.tar', files.get('demo-oci-zstd.tar')!);
    const config = JSON.parse(await sh('skopeo', ['inspect', '--config', `oci-archive:${file}`]));
    expect(config.rootfs.diff_ids).toEqual(image.layers.map((l) => l.diffId));
    await sh('skopeo', ['copy', '--quiet', `oci-archive:${file}`, `dir:${join(tmp, 'demo-copy')}`]);
  });
});

// ---------------------------------------------------------------------------------------------
// Docker
// ---------------------------------------------------------------------------------------------

describe('image builder vs docker load', () => {
  const tag = (what: string) => `image-hygiene-test/builder-${what}:${process.pid}-${Date.now().toString(36)}`;
  const loaded: string[] = [];
  afterAll(async () => {
    for (const ref of loaded) await sh('docker', ['image', 'rm', '--force', ref]).catch(() => undefined);
  });

  async function load(bytes: Buffer, ref: string): Promise<{ id: string; layers: string[] }> {
    loaded.push(ref);
    const out = await sh('docker', ['load', '--input', tmpFile(`load-${loaded.length}.tar`, bytes)]);
    expect(out).toContain(`Loaded image: ${ref}`);
    const [inspect] = JSON.parse(await sh('docker', ['image', 'inspect', ref])) as { Id: string; RootFS: { Layers: string[] } }[];
    return { id: inspect!.Id, layers: inspect!.RootFS.Layers };
  }

  it('loads the legacy docker-save; RootFS.Layers are the diff_ids; docker save gives the same members', async () => {
    const img: BuiltImage = buildImage({ layers: [RICH_LAYER, ...SMALL_SPEC.layers], config: SMALL_SPEC.config, emptyHistory: SMALL_SPEC.emptyHistory });
    const ref = tag('legacy');
    const ours = dockerSaveLegacy(img, { repoTag: ref });
    const { id, layers } = await load(ours, ref);
    expect(layers).toEqual(img.layers.map((l) => l.diffId));
    const saved = join(tmp, 'resaved.tar');
    await sh('docker', ['save', '--output', saved, ref]);
    const theirs = parseTarList(await sh('tar', ['-tvf', saved])).map((e) => e.name);
    if ((await imageStore()) === 'graphdriver') {
      // The image id is the config digest; Docker's own save of what it loaded has the same member names in the
      // same order, the same layer tars and the same v1 ids.
      expect(id).toBe(img.configDigest);
      const mine = parseTarList(await sh('tar', ['-tvf', tmpFile('ours.tar', ours)])).map((e) => e.name);
      expect(theirs).toEqual(mine);
    } else {
      // The containerd store names an image by the manifest it made for it, and saves an OCI layout that holds our
      // config and our layer tars as blobs, byte for byte.
      expect(id).not.toBe(img.configDigest);
      const blobs = [img.configDigest, ...img.layers.map((l) => l.diffId)].map((digest) => `blobs/sha256/${digest.slice('sha256:'.length)}`);
      expect(theirs).toEqual(expect.arrayContaining(['index.json', 'manifest.json', 'oci-layout', ...blobs]));
    }
  });

  it('loads the duplicate-layer symlink variant and the Docker 25 layout', async () => {
    const dup: LayerSpec = { entries: [{ type: 'file', path: 'same', content: 'same' }] };
    const img = buildImage({ layers: [dup, SMALL_SPEC.layers[1]!, dup] });
    for (const [what, make] of [
      ['symlink', (r: string) => dockerSaveLegacy(img, { repoTag: r, duplicateLayerAsSymlink: true })],
      ['oci', (r: string) => dockerSaveOci(img, { repoTag: r })],
    ] as const) {
      const ref = tag(what);
      const { layers } = await load(make(ref), ref);
      expect(layers, what).toEqual(img.layers.map((l) => l.diffId));
    }
  });

  it('loads the demo fixture as demo/app:1.0-like image with the expected history', async () => {
    const { image } = buildDemoFixtures();
    const ref = tag('demo');
    const { layers } = await load(dockerSaveLegacy(image, { repoTag: ref }), ref);
    expect(layers).toEqual(image.layers.map((l) => l.diffId));
    const history = (await sh('docker', ['history', '--no-trunc', '--format', '{{.CreatedBy}}', ref])).trim().split('\n');
    expect(history).toHaveLength(image.config.history.length);
    expect(history.at(-1)).toMatch(/ADD file:/);
    expect(DEMO_REPO_TAG).toBe('demo/app:1.0');
  });
});
