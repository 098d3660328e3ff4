// Generated archives for the differential test against `docker load`: seeded, reproducible. Each starts
// from a `docker save` layout (legacy, Docker 25+, or an OCI archive) of one of a few small images and
// gets zero to three mutations of the kinds an attacker would use on the outer archive and its JSON.
import { buildImage, dockerSaveLegacy, dockerSaveOci, ociArchive, sha256, tarMembers, type BuiltImage, type TarMember } from '../support/image-builder.ts';
import { random } from './json-cases.ts';

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

export interface ArchiveCase {
  name: string;
  bytes: Buffer;
  /** What was done to it, for the failure report. */
  steps: string[];
  /** The archive has a manifest.json (the classic store reads nothing else). */
  hasManifestJson: boolean;
  /**
   * The same archive without its oci-layout members, when it has one: what the classic store reads of it
   * (it never looks at index.json), so our reading of it alone can be compared with that store's.
   */
  classicBytes?: Buffer;
}

/** Images whose ids cannot collide with anyone else's: a label carries the run's seed. */
function images(seed: number): BuiltImage[] {
  const label = { 'ih-archive-differential': String(seed) };
  return [
    buildImage({ layers: [{ entries: [{ type: 'file', path: 'etc/app.conf', size: 120 }, { type: 'file', path: 'usr/bin/app', size: 900, mode: 0o755 }] }], config: { User: 'app', Labels: label, Cmd: ['/usr/bin/app'] } }),
    buildImage({ layers: [{ entries: [{ type: 'file', path: 'usr/bin/curl', size: 700, mode: 0o755 }] }, { entries: [{ type: 'file', path: 'tmp/cache', size: 300 }] }], config: { Labels: label } }),
    buildImage({
      layers: [{ entries: [{ type: 'file', path: 'data/old', size: 500 }, { type: 'file', path: 'data/keep', size: 50 }] }, { entries: [{ type: 'whiteout', path: 'data/old' }] }],
      config: { User: '1000', Labels: label },
    }),
  ];
}

interface Member {
  name: string;
  type: 'file' | 'symlink' | 'link' | 'directory';
  body?: Buffer;
  linkname?: string;
}

/** The members of an archive we wrote (ustar, short names, no PAX), as a list to mutate. */
function parse(archive: Buffer): Member[] {
  const out: Member[] = [];
  for (let at = 0; at + 512 <= archive.length; ) {
    const name = archive.toString('utf8', at, at + 100).replace(/\0.*$/s, '');
    if (name === '') break;
    const size = parseInt(archive.toString('latin1', at + 124, at + 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const flag = String.fromCharCode(archive[at + 156]!);
    const linkname = archive.toString('utf8', at + 157, at + 257).replace(/\0.*$/s, '');
    const type = flag === '2' ? 'symlink' : flag === '1' ? 'link' : flag === '5' ? 'directory' : 'file';
    out.push({ name, type, ...(type === 'file' ? { body: Buffer.from(archive.subarray(at + 512, at + 512 + size)) } : {}), ...(linkname ? { linkname } : {}) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

function write(members: Member[]): Buffer {
  return tarMembers(members.map((m): TarMember => ({ header: { name: m.name, type: m.type, ...(m.linkname !== undefined ? { linkname: m.linkname } : {}) }, ...(m.body ? { body: m.body } : {}) })));
}

/** The same image with its config's JSON text edited (its digest, and so its id, follow). */
function withConfigText(image: BuiltImage, edit: (json: string) => string): BuiltImage {
  // \u0001 stands for a byte that is not UTF-8 at all (0xff): no config holds a raw \u0001.
  const configBytes = Buffer.from(edit(image.configBytes.toString('utf8'))).map((byte) => (byte === 0x01 ? 0xff : byte)) as Buffer;
  return { ...image, configBytes, configDigest: sha256(configBytes) };
}

const CONFIG_EDITS: Array<[string, (json: string) => string]> = [
  ['User then user (Go: the last wins)', (json) => json.replace(/"User":"([^"]*)"/, '"User":"$1","user":"0"')],
  ['user then User', (json) => json.replace(/"User":"([^"]*)"/, '"user":"0","User":"$1"')],
  ['USER in capitals', (json) => json.replace(/"User":/, '"USER":')],
  ['a second "CONFIG" object merged into config', (json) => json.replace(/\}$/, ',"CONFIG":{"User":"nobody"}}')],
  ['config null, then config again', (json) => json.replace(/"config":\{/, '"config":null,"config":{')],
  ['Cmd as a string', (json) => json.replace(/"Cmd":(\[[^\]]*\]|null)/, '"Cmd":"echo hi"')],
  ['created not a time', (json) => json.replace(/"created":"[^"]*"/, '"created":"yesterday"')],
  ['an unknown field with deep nesting', (json) => json.replace(/\}$/, ',"x-extra":[[[[{"a":[1,2,{"b":null}]}]]]]}')],
  ['ſ for s in "User"', (json) => json.replace(/"User":"([^"]*)"/, '"User":"$1","Uſer":"root"')],
  ['rootfs missing', (json) => json.replace(/"rootfs":\{[^}]*\},?/, '')],
  ['an integer field given a fraction', (json) => json.replace(/\}$/, ',"Size":1.5}')],
  ['a User with invalid UTF-8', (json) => json.replace(/"User":"([^"]*)"/, '"User":"a\u0001"')],
];

type Layout = 'legacy' | 'docker25' | 'oci';

function save(layout: Layout, image: BuiltImage, tag: string): Member[] {
  if (layout === 'legacy') return parse(dockerSaveLegacy(image, { repoTag: tag }));
  if (layout === 'docker25') return parse(dockerSaveOci(image, { repoTag: tag }));
  return parse(ociArchive(image, { compression: 'gzip' }));
}

const indexOfName = (members: Member[], name: string): number => members.findIndex((m) => m.name === name);

/** Mutations of the outer archive; each returns a description, or undefined when it does not apply. */
const MUTATIONS: Array<(rand: Rand, members: Member[], others: Member[]) => string | undefined> = [
  (rand, members) => {
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    // Directories first, as extraction needs nothing else: a shuffled member may come before its directory.
    return 'members shuffled';
  },
  (_rand, members) => {
    const at = indexOfName(members, 'manifest.json');
    if (at < 0) return undefined;
    members.splice(at, 1, { name: 'real-manifest.json', type: 'file', body: members[at]!.body! }, { name: 'manifest.json', type: 'symlink', linkname: 'real-manifest.json' });
    return 'manifest.json a symlink to the real one';
  },
  (_rand, members) => {
    const at = indexOfName(members, 'manifest.json');
    if (at < 0) return undefined;
    members.splice(at, 1, { name: 'mf-copy.json', type: 'file', body: members[at]!.body! }, { name: 'manifest.json', type: 'link', linkname: 'mf-copy.json' });
    return 'manifest.json a hard link to a copy';
  },
  (_rand, members, others) => {
    // Another image's manifest.json and files first; this one's manifest.json later replaces it.
    const decoy = others.find((m) => m.name === 'manifest.json');
    if (!decoy || indexOfName(members, 'manifest.json') < 0) return undefined;
    members.unshift(...others.filter((m) => m.name !== 'repositories'));
    return 'a decoy image and its manifest.json first';
  },
  (_rand, members, others) => {
    // This image's manifest.json first, a symlink of the same name later pointing at another's.
    const decoy = others.find((m) => m.name === 'manifest.json');
    if (!decoy || indexOfName(members, 'manifest.json') < 0) return undefined;
    members.push(...others.filter((m) => m.name !== 'manifest.json' && m.name !== 'repositories'), { name: 'other-manifest.json', type: 'file', body: decoy.body! }, { name: 'manifest.json', type: 'symlink', linkname: 'other-manifest.json' });
    return 'a later manifest.json symlink to another image';
  },
  (_rand, members) => {
    for (const m of members) if (!m.name.startsWith('./') && m.type !== 'directory') m.name = './' + m.name;
    return 'names with ./';
  },
  (rand, members) => {
    const layers = members.filter((m) => m.type === 'file' && (m.name.endsWith('layer.tar') || (m.name.startsWith('blobs/') && m.body && m.body[0] !== 0x7b)));
    if (layers.length === 0) return undefined;
    members.splice(members.indexOf(pick(rand, layers)), 1);
    return 'a layer member removed';
  },
  (_rand, members, others) => {
    // Docker 25+: index.json of this image, manifest.json of another.
    const at = indexOfName(members, 'manifest.json');
    const decoy = others.find((m) => m.name === 'manifest.json');
    if (at < 0 || !decoy || indexOfName(members, 'index.json') < 0) return undefined;
    members.splice(at, 1, decoy);
    members.push(...others.filter((m) => m.name.startsWith('blobs/')));
    return "manifest.json of another image than index.json's";
  },
];

/** `count` archives from one seed. */
export function archiveCases(seed: number, count: number): ArchiveCase[] {
  const rand = random(seed);
  const pool = images(seed);
  const cases: ArchiveCase[] = [];
  for (let n = 0; n < count; n++) {
    const steps: string[] = [];
    const layout = pick(rand, ['legacy', 'legacy', 'docker25', 'docker25', 'oci'] as const);
    let image = pick(rand, pool);
    if (rand() < 0.35) {
      const [what, edit] = pick(rand, CONFIG_EDITS);
      image = withConfigText(image, edit);
      steps.push(`config: ${what}`);
    }
    const tag = `ih-archive-diff/case-${seed}:${n}`;
    const other = pool.find((candidate) => candidate !== image && candidate.configDigest !== image.configDigest)!;
    const members = save(layout, image, tag);
    const others = save(layout, other, `ih-archive-diff/other-${seed}:${n}`);
    steps.unshift(`layout ${layout}`);
    const mutations = Math.floor(rand() * 3);
    for (let m = 0; m < mutations; m++) {
      const done = pick(rand, MUTATIONS)(rand, members, others);
      if (done) steps.push(done);
    }
    const bytes = write(members);
    const isLayout = (m: Member): boolean => m.name.replace(/^\.\//, '') === 'oci-layout';
    cases.push({
      name: `case-${seed}-${n}`,
      bytes,
      steps,
      hasManifestJson: members.some((m) => m.name.replace(/^\.\//, '') === 'manifest.json'),
      ...(members.some(isLayout) ? { classicBytes: write(members.filter((m) => !isLayout(m))) } : {}),
    });
  }
  return cases;
}
