/**
 * Writes the committed demo fixtures (run: `npm run fixtures`, i.e. node --experimental-strip-types):
 *
 *   fixtures/demo/demo.tar            legacy `docker save` (Docker <= 24 layout) of demo/app:1.0
 *   fixtures/demo/demo-oci-zstd.tar   the same image as an OCI archive, zstd layers
 *   fixtures/demo/README.md
 *
 * The image tells the classic story: a small base, `apt-get update && apt-get install -y vim` leaving
 * ~200 KB of apt lists behind, a later `rm -rf /var/lib/apt/lists/*` that only hides them (whiteouts),
 * and a chmod that copies vim.basic up into the last layer. Deterministic: same bytes on every run
 * (given the same Node/zlib/zstd versions for the zstd archive).
 *
 * Erasable TypeScript only (run by Node's type stripping).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-ignore TS5097: Node needs the .ts extension here; tsconfig has no allowImportingTsExtensions.
import { buildImage, dockerSaveLegacy, layerTar, ociArchive, seededBytes, sha256 } from '../test/support/image-builder.ts';
import type { BuiltImage, EntrySpec, ImageSpec } from '../test/support/image-builder.ts';

export const DEMO_REPO_TAG = 'demo/app:1.0';

/** Pseudo-random word source for the text files (xorshift over seededBytes). */
function textGenerator(seed: string): (n: number) => number {
  const bytes = seededBytes(1 << 16, seed);
  let i = 0;
  return (n: number) => {
    const v = bytes.readUInt32LE(i % (bytes.length - 4));
    i += 4;
    return v % n;
  };
}

/** An apt InRelease-like text file of about `size` bytes (exactly `size`: padded / cut). */
function inRelease(suite: string, size: number): string {
  const rnd = textGenerator(`inrelease-${suite}`);
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[rnd(16)]).join('');
  let text =
    `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: Debian\nLabel: Debian\nSuite: ${suite}\n` +
    `Codename: ${suite}\nDate: Sat, 10 Jun 2023 08:53:34 UTC\nAcquire-By-Hash: yes\nArchitectures: all amd64 arm64\n` +
    `Components: main contrib non-free-firmware non-free\nDescription: Debian ${suite}\nSHA256:\n`;
  const dirs = ['main', 'contrib', 'non-free', 'non-free-firmware'];
  const files = ['Packages', 'Packages.gz', 'Packages.xz', 'Release', 'Contents-amd64.gz', 'Translation-en.bz2'];
  while (text.length < size) {
    const path = `${dirs[rnd(dirs.length)]}/binary-${['amd64', 'arm64', 'all'][rnd(3)]}/${files[rnd(files.length)]}`;
    text += ` ${hex(64)} ${String(1000 + rnd(9_000_000)).padStart(16)} ${path}\n`;
  }
  return text.slice(0, size - 1) + '\n';
}

function passwd(): string {
  return [
    'root:x:0:0:root:/root:/bin/sh',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    'bin:x:2:2:bin:/bin:/usr/sbin/nologin',
    'sys:x:3:3:sys:/dev:/usr/sbin/nologin',
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
    '_apt:x:42:65534::/nonexistent:/usr/sbin/nologin',
    '',
  ].join('\n');
}

function dpkgStatus(packages: string[]): string {
  return packages
    .map((p, i) => `Package: ${p}\nStatus: install ok installed\nPriority: required\nSection: admin\nInstalled-Size: ${100 + i * 37}\nMaintainer: Debian <debian@example.org>\nArchitecture: amd64\nVersion: 1.${i}.0-1\nDescription: ${p} package\n`)
    .join('\n');
}

const BASE_PACKAGES = ['base-files', 'bash', 'coreutils', 'dash', 'debianutils', 'dpkg', 'libc6', 'zlib1g'];
const LISTS = 'var/lib/apt/lists';
const LIST_FILES: { name: string; content?: string; size?: number }[] = [
  { name: 'deb.debian.org_debian_dists_bookworm_InRelease', content: inRelease('bookworm', 24_000) },
  { name: 'deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4', size: 108_000 },
  { name: 'deb.debian.org_debian_dists_bookworm-updates_InRelease', content: inRelease('bookworm-updates', 9_000) },
  { name: 'deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages.lz4', size: 4_000 },
  { name: 'debian-security_dists_bookworm-security_InRelease', content: inRelease('bookworm-security', 9_000) },
  { name: 'debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4', size: 50_000 },
];
const VIM_SIZE = 92_000;

const APP_SH = `#!/bin/sh
set -eu
echo "demo app: editing with $(command -v vim)"
exec vim --version
`;

export function demoImageSpec(): ImageSpec {
  const dir = (path: string, mode?: number): EntrySpec => ({ type: 'dir', path, ...(mode !== undefined ? { mode } : {}) });
  const base: EntrySpec[] = [
    dir('bin/'),
    { type: 'file', path: 'bin/sh', size: 84_000, mode: 0o755 },
    { type: 'hardlink', path: 'bin/dash', target: 'bin/sh' },
    dir('etc/'),
    { type: 'file', path: 'etc/group', content: 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nnogroup:x:65534:\n' },
    { type: 'file', path: 'etc/hostname', content: '' },
    { type: 'symlink', path: 'etc/os-release', target: '../usr/lib/os-release' },
    { type: 'file', path: 'etc/passwd', content: passwd() },
    { type: 'file', path: 'etc/shadow', content: 'root:*:19500:0:99999:7:::\n', mode: 0o640, gid: 42 },
    dir('root/', 0o700),
    dir('tmp/', 0o1777),
    dir('usr/'),
    dir('usr/bin/'),
    { type: 'file', path: 'usr/bin/env', size: 4_000, mode: 0o755 },
    dir('usr/lib/'),
    { type: 'file', path: 'usr/lib/os-release', content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n' },
    dir('usr/lib/x86_64-linux-gnu/'),
    { type: 'file', path: 'usr/lib/x86_64-linux-gnu/libc.so.6', size: 14_000, mode: 0o755 },
    { type: 'symlink', path: 'usr/lib/x86_64-linux-gnu/libz.so.1', target: 'libz.so.1.2.13' },
    { type: 'file', path: 'usr/lib/x86_64-linux-gnu/libz.so.1.2.13', size: 5_000 },
    dir('var/'),
    dir('var/lib/'),
    dir('var/lib/apt/'),
    dir('var/lib/apt/lists/'),
    { type: 'file', path: `${LISTS}/lock`, content: '', mode: 0o640 },
    { type: 'dir', path: `${LISTS}/partial/`, mode: 0o700, uid: 42 },
    dir('var/lib/dpkg/'),
    { type: 'file', path: 'var/lib/dpkg/status', content: dpkgStatus(BASE_PACKAGES) },
  ];
  const aptInstall: EntrySpec[] = [
    dir('etc/'),
    dir('etc/alternatives/'),
    { type: 'symlink', path: 'etc/alternatives/vim', target: '/usr/bin/vim.basic' },
    dir('usr/'),
    dir('usr/bin/'),
    { type: 'symlink', path: 'usr/bin/vim', target: '/etc/alternatives/vim' },
    // Installed without the x bit (the reason for the later chmod): a story, not dpkg's habit.
    { type: 'file', path: 'usr/bin/vim.basic', size: VIM_SIZE, mode: 0o644 },
    dir('usr/share/'),
    dir('usr/share/doc/'),
    dir('usr/share/doc/vim/'),
    { type: 'file', path: 'usr/share/doc/vim/changelog.Debian.gz', size: 2_500 },
    { type: 'file', path: 'usr/share/doc/vim/copyright', content: 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: Vim\nSource: https://github.com/vim/vim\n\nFiles: *\nCopyright: Bram Moolenaar & others\nLicense: Vim\n' },
    dir('usr/share/vim/'),
    dir('usr/share/vim/vim90/'),
    { type: 'file', path: 'usr/share/vim/vim90/defaults.vim', content: '" The default vimrc file.\nset nocompatible\nset backspace=indent,eol,start\nset history=200\nset ruler\nset showcmd\nset wildmenu\nsyntax on\nfiletype plugin indent on\n' },
    dir('var/'),
    dir('var/lib/'),
    dir('var/lib/apt/'),
    dir(`${LISTS}/`),
    ...LIST_FILES.map((f): EntrySpec => ({ type: 'file', path: `${LISTS}/${f.name}`, ...(f.content !== undefined ? { content: f.content } : { size: f.size ?? 0 }) })),
    { type: 'file', path: `${LISTS}/lock`, content: '', mode: 0o640 },
    { type: 'dir', path: `${LISTS}/partial/`, mode: 0o700, uid: 42 },
    dir('var/lib/dpkg/'),
    { type: 'file', path: 'var/lib/dpkg/status', content: dpkgStatus([...BASE_PACKAGES, 'libgpm2', 'libsodium23', 'vim', 'vim-common', 'vim-runtime', 'xxd']) },
  ];
  const cleanLists: EntrySpec[] = [
    dir('var/'),
    dir('var/lib/'),
    dir('var/lib/apt/'),
    dir(`${LISTS}/`),
    ...LIST_FILES.map((f): EntrySpec => ({ type: 'whiteout', path: `${LISTS}/${f.name}` })),
    { type: 'whiteout', path: `${LISTS}/lock` },
    { type: 'whiteout', path: `${LISTS}/partial` },
  ];
  const copyApp: EntrySpec[] = [
    dir('app/'),
    { type: 'file', path: 'app/app.sh', content: APP_SH, mode: 0o755 },
    dir('usr/'),
    dir('usr/bin/'),
    // Same bytes as layer 2 (content is seeded by path), new mode: a copy-up.
    { type: 'file', path: 'usr/bin/vim.basic', size: VIM_SIZE, mode: 0o755 },
  ];
  // Docker's legacy builder names an ADD source by the digest of its content.
  const baseTarDigest = sha256(layerTar({ entries: base })).slice('sha256:'.length);
  return {
    layers: [
      { entries: base, createdBy: `/bin/sh -c #(nop) ADD file:${baseTarDigest} in / ` },
      { entries: aptInstall, createdBy: 'RUN /bin/sh -c apt-get update && apt-get install -y vim # buildkit', comment: 'buildkit.dockerfile.v0' },
      { entries: cleanLists, createdBy: 'RUN /bin/sh -c rm -rf /var/lib/apt/lists/* # buildkit', comment: 'buildkit.dockerfile.v0' },
      // One layer for the COPY and the chmod copy-up, to keep the story to four layers (a real build would make two).
      { entries: copyApp, createdBy: 'COPY app.sh /app/app.sh # buildkit', comment: 'buildkit.dockerfile.v0' },
    ],
    emptyHistory: {
      1: ['/bin/sh -c #(nop)  CMD ["bash"]', 'ENV DEBIAN_FRONTEND=noninteractive'],
      end: ['WORKDIR /app', 'CMD ["/app/app.sh"]'],
    },
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'DEBIAN_FRONTEND=noninteractive'],
      Cmd: ['/app/app.sh'],
      WorkingDir: '/app',
    },
  };
}

export const DEMO_README = `Demo image fixtures: demo.tar is a legacy \`docker save\` (Docker <= 24 layout) of demo/app:1.0, demo-oci-zstd.tar the same image as an OCI archive with zstd layers.
Made by \`npm run fixtures\` (scripts/make-fixtures.ts, from test/support/image-builder.ts); deterministic.
Do not edit these files by hand: change the script and run it again.
`;

export interface DemoFixtures {
  image: BuiltImage;
  /** File name under fixtures/demo/ -> bytes. */
  files: Map<string, Buffer>;
}

export function buildDemoFixtures(): DemoFixtures {
  const image = buildImage(demoImageSpec());
  const files = new Map<string, Buffer>([
    ['demo.tar', dockerSaveLegacy(image, { repoTag: DEMO_REPO_TAG })],
    ['demo-oci-zstd.tar', ociArchive(image, { compression: 'zstd', refName: '1.0' })],
    ['README.md', Buffer.from(DEMO_README)],
  ]);
  return { image, files };
}

function main(): void {
  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'demo');
  mkdirSync(outDir, { recursive: true });
  for (const [name, bytes] of buildDemoFixtures().files) {
    writeFileSync(join(outDir, name), bytes);
    console.log(`${join('fixtures', 'demo', name)}  ${bytes.byteLength} bytes  ${sha256(bytes)}`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
