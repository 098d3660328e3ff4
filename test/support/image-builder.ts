/**
 * Test support: builds container image archives in memory, byte-for-byte deterministic.
 *
 *   layerTar(layer)            one uncompressed layer tar
 *   buildImage(spec)           layer tars + diff_ids + image config (bytes and digest)
 *   dockerSaveLegacy(image)    `docker save` of Docker <= 24 (`<v1-id>/layer.tar`, `<config>.json`, manifest.json, repositories)
 *   dockerSaveOci(image)       `docker save` of Docker >= 25 (OCI layout + manifest.json + repositories)
 *   ociArchive(image(s))       an OCI image layout in a tar (skopeo's `oci-archive:`), layers uncompressed/gzip/zstd
 *   writeOciLayout(dir, ...)   the same layout as a directory
 *
 * Everything is synchronous and returns Buffers. All tar members have mtime 0, uid/gid 0 (unless a spec
 * says otherwise), no user/group names, and appear in the order given (archive layouts: the order the real
 * tool writes them, see each function). JSON is written the way Go's encoding/json writes it (compact,
 * `<`, `>`, `&` escaped as \u003c, \u003e, \u0026), as Docker and skopeo do.
 *
 * Tar headers are encoded by tar-stream's own header encoder (the code `pack()` runs), driven synchronously:
 * `pack()` itself is a stream that only produces bytes on later ticks, which a Buffer-returning API cannot
 * wait for. The unit test checks the bytes are identical to what `pack()` produces for the same entries.
 *
 * Loaded both by vitest and by `node --experimental-strip-types` (scripts/make-fixtures.ts): keep to
 * erasable TypeScript syntax and `import type` for types.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import type { Header as TarHeader } from 'tar-stream';

// ---------------------------------------------------------------------------------------------
// Specs
// ---------------------------------------------------------------------------------------------

export type EntrySpec =
  | {
      type: 'file';
      path: string;
      content?: string | Buffer;
      /** Size of deterministic pseudo-random content (seededBytes) when `content` is absent. */
      size?: number;
      /** Seed for that content; default: derived from the path, so equal paths give equal bytes. */
      seed?: number | string;
      mode?: number;
      uid?: number;
      gid?: number;
    }
  | { type: 'dir'; path: string; mode?: number; uid?: number; gid?: number }
  | { type: 'symlink'; path: string; target: string }
  /** `target`: the path of an earlier file in the same layer. */
  | { type: 'hardlink'; path: string; target: string }
  /** Writes `DIR/.wh.NAME` for `path` DIR/NAME (an empty regular file, mode 0600 by default as overlay2 writes it). */
  | { type: 'whiteout'; path: string; mode?: number }
  /** Writes `PATH/.wh..wh..opq` for directory `path` (mode 0755 by default). */
  | { type: 'opaque'; path: string; mode?: number }
  /**
   * Escape hatch: any header tar-stream can encode. Defaults: mtime 0, uid/gid 0, type 'file', mode 0644
   * (0755 for directories), size = body length. A `header.size` different from the body length writes
   * that size in the header and the body as given: a corrupt tar, on purpose. `pax` forces a PAX header
   * with these records (plus path/linkpath).
   */
  | { type: 'raw'; header: Partial<TarHeader>; body?: Buffer; pax?: Record<string, string> };

export interface LayerSpec {
  entries: EntrySpec[];
  createdBy?: string;
  comment?: string;
}

export interface ImageConfigSpec {
  User?: string;
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  Labels?: Record<string, string>;
  WorkingDir?: string;
}

export interface ImageSpec {
  layers: LayerSpec[];
  /**
   * Extra history entries with empty_layer: true, inserted BEFORE layer i (key i, 0 <= i <= layers.length)
   * or at the end (key 'end', after any key layers.length ones).
   */
  emptyHistory?: Partial<Record<number | 'end', string[]>>;
  config?: ImageConfigSpec;
  /** Defaults: amd64 / linux / no variant. */
  architecture?: string;
  os?: string;
  variant?: string;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface HistoryEntry {
  created: string;
  created_by: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  created: string;
  architecture: string;
  variant?: string;
  os: string;
  config: ImageConfigSpec;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history: HistoryEntry[];
}

export interface BuiltLayer {
  /** The uncompressed layer tar. */
  tar: Buffer;
  /** sha256:<hex> of `tar`. */
  diffId: string;
}

export interface BuiltImage {
  layers: BuiltLayer[];
  config: ImageConfig;
  configBytes: Buffer;
  /** sha256:<hex> of configBytes: also the image ID Docker shows. */
  configDigest: string;
  platform: Platform;
}

export type Compression = 'none' | 'gzip' | 'zstd';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
}

/** The `created` time of every config and history entry. */
export const CREATED = '1970-01-01T00:00:00Z';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** 32-bit FNV-1a of a string's UTF-8 bytes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * `size` deterministic pseudo-random bytes (xorshift32): incompressible, so compressed layer sizes are
 * realistic for binaries. The same (size, seed) always gives the same bytes; a shorter size gives a prefix.
 */
export function seededBytes(size: number, seed: number | string = 1): Buffer {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`seededBytes: bad size ${size}`);
  let state = (typeof seed === 'string' ? fnv1a(seed) : seed >>> 0) ^ 0x9e3779b9;
  if (state === 0) state = 0x6d2b79f5;
  const out = Buffer.allocUnsafe(size);
  let i = 0;
  while (i < size) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    for (let k = 0; k < 4 && i < size; k++, i++) out[i] = (state >>> (k * 8)) & 0xff;
  }
  return out;
}

/** Deterministic compression: gzip without name/mtime (zlib's gzip header), zstd at zlib's default level. */
export function compress(data: Buffer, how: 'gzip' | 'zstd'): Buffer {
  return how === 'gzip' ? gzipSync(data) : zstdCompressSync(data);
}

/** JSON as Go's encoding/json writes it: compact, with <, >, &, U+2028, U+2029 escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function jsonBytes(value: unknown, trailingNewline = false): Buffer {
  return Buffer.from(goJson(value) + (trailingNewline ? '\n' : ''), 'utf8');
}

/** Strips leading `/` and `./` (layer member names are relative, as Docker writes them). */
function relPath(path: string): string {
  let p = path;
  for (;;) {
    if (p.startsWith('/')) p = p.slice(1);
    else if (p.startsWith('./')) p = p.slice(2);
    else return p;
  }
}

function splitPath(path: string): { dir: string; base: string } {
  const p = relPath(path).replace(/\/+$/, '');
  const slash = p.lastIndexOf('/');
  return slash === -1 ? { dir: '', base: p } : { dir: p.slice(0, slash + 1), base: p.slice(slash + 1) };
}

// ---------------------------------------------------------------------------------------------
// Tar writing (tar-stream's header encoder, as Pack drives it)
// ---------------------------------------------------------------------------------------------

interface FullHeader {
  name: string;
  type: TarHeader['type'] | 'pax-header';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Date;
  linkname?: string | null;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  pax?: Record<string, string>;
}

interface TarStreamHeaders {
  encode(header: FullHeader): Buffer | null;
  encodePax(opts: { name: string; linkname?: string | null; pax?: Record<string, string> }): Buffer;
}

const tarHeaders: TarStreamHeaders = (() => {
  // tar-stream's package "exports" only expose the stream API; headers.js sits next to its main file.
  const require = createRequire(import.meta.url);
  const mod = require(join(dirname(require.resolve('tar-stream')), 'headers.js')) as Partial<TarStreamHeaders>;
  if (typeof mod.encode !== 'function' || typeof mod.encodePax !== 'function') {
    throw new Error('image-builder: tar-stream/headers.js no longer exports encode/encodePax');
  }
  return mod as TarStreamHeaders;
})();

const ZERO_BLOCK = Buffer.alloc(1024);
const EPOCH = new Date(0);

function pad(out: Buffer[], size: number): void {
  const rest = size & 511;
  if (rest) out.push(ZERO_BLOCK.subarray(0, 512 - rest));
}

/** Appends one member: the same bytes tar-stream's Pack writes for `pack.entry(header, body)`. */
function pushEntry(out: Buffer[], header: FullHeader, body?: Buffer): void {
  const plain = header.pax ? null : tarHeaders.encode(header);
  if (plain) {
    out.push(plain);
  } else {
    // Pack._encodePax: a PAX header ('x') named PaxHeader, then the entry's header also named PaxHeader.
    const paxBody = tarHeaders.encodePax({ name: header.name, linkname: header.linkname, pax: header.pax });
    const paxHeader: FullHeader = {
      name: 'PaxHeader',
      mode: header.mode,
      uid: header.uid,
      gid: header.gid,
      size: paxBody.byteLength,
      mtime: header.mtime,
      type: 'pax-header',
      linkname: header.linkname ? 'PaxHeader' : header.linkname,
      uname: header.uname,
      gname: header.gname,
      devmajor: header.devmajor,
      devminor: header.devminor,
    };
    const encoded = tarHeaders.encode(paxHeader);
    if (!encoded) throw new Error(`image-builder: cannot encode a PAX header for ${header.name}`);
    out.push(encoded, paxBody);
    pad(out, paxBody.byteLength);
    const entryHeader = tarHeaders.encode({ ...paxHeader, size: header.size, type: header.type });
    if (!entryHeader) throw new Error(`image-builder: cannot encode ${header.name}`);
    out.push(entryHeader);
  }
  if (body && body.byteLength > 0) {
    out.push(body);
    pad(out, body.byteLength);
  }
}

export interface TarMember {
  header: Partial<TarHeader> & { name: string };
  body?: Buffer;
  pax?: Record<string, string>;
}

function fullHeader(member: TarMember): FullHeader {
  const h = member.header;
  const type = h.type ?? 'file';
  const hasBody = type === 'file' || type === 'contiguous-file';
  return {
    name: h.name,
    type,
    mode: h.mode ?? (type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644),
    uid: h.uid ?? 0,
    gid: h.gid ?? 0,
    size: h.size ?? (hasBody ? (member.body?.byteLength ?? 0) : 0),
    mtime: h.mtime ?? EPOCH,
    linkname: h.linkname,
    uname: h.uname,
    gname: h.gname,
    devmajor: h.devmajor,
    devminor: h.devminor,
    pax: member.pax,
  };
}

/** A tar of the given members in the given order, ended by two zero blocks (no padding to a record size). */
export function tarMembers(members: TarMember[]): Buffer {
  const out: Buffer[] = [];
  for (const member of members) pushEntry(out, fullHeader(member), member.body);
  out.push(ZERO_BLOCK);
  return Buffer.concat(out);
}

function fileContent(entry: Extract<EntrySpec, { type: 'file' }>): Buffer {
  if (entry.content !== undefined) {
    const content = typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : entry.content;
    if (entry.size !== undefined && entry.size !== content.byteLength) {
      throw new Error(`image-builder: ${entry.path}: size ${entry.size} does not match the content (${content.byteLength} bytes)`);
    }
    return content;
  }
  return seededBytes(entry.size ?? 0, entry.seed ?? relPath(entry.path));
}

function layerMembers(layer: LayerSpec): TarMember[] {
  const files = new Map<string, number>(); // path -> mode, for hard links
  return layer.entries.map((entry): TarMember => {
    switch (entry.type) {
      case 'file': {
        const name = relPath(entry.path);
        const mode = entry.mode ?? 0o644;
        files.set(name, mode);
        const body = fileContent(entry);
        return { header: { name, type: 'file', mode, uid: entry.uid ?? 0, gid: entry.gid ?? 0, size: body.byteLength }, body };
      }
      case 'dir': {
        const name = relPath(entry.path).replace(/\/*$/, '/');
        return { header: { name, type: 'directory', mode: entry.mode ?? 0o755, uid: entry.uid ?? 0, gid: entry.gid ?? 0 } };
      }
      case 'symlink':
        return { header: { name: relPath(entry.path), type: 'symlink', mode: 0o777, linkname: entry.target } };
      case 'hardlink': {
        const target = relPath(entry.target);
        const mode = files.get(target);
        if (mode === undefined) {
          throw new Error(`image-builder: hard link ${entry.path} -> ${entry.target}: no earlier file ${target} in this layer`);
        }
        return { header: { name: relPath(entry.path), type: 'link', mode, linkname: target } };
      }
      case 'whiteout': {
        const { dir, base } = splitPath(entry.path);
        if (!base) throw new Error(`image-builder: whiteout needs a path with a name: ${entry.path}`);
        return { header: { name: `${dir}.wh.${base}`, type: 'file', mode: entry.mode ?? 0o600 } };
      }
      case 'opaque': {
        const dir = relPath(entry.path).replace(/\/*$/, '/');
        return { header: { name: `${dir === '/' ? '' : dir}.wh..wh..opq`, type: 'file', mode: entry.mode ?? 0o755 } };
      }
      case 'raw': {
        const name = entry.header.name;
        if (name === undefined) throw new Error('image-builder: raw entry without header.name');
        return { header: { ...entry.header, name }, body: entry.body, pax: entry.pax };
      }
    }
  });
}

/** The uncompressed layer tar. */
export function layerTar(layer: LayerSpec): Buffer {
  return tarMembers(layerMembers(layer));
}

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

/** chain IDs as Docker computes them: chain(1) = diff(1), chain(n) = sha256(chain(n-1) + " " + diff(n)). */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? diffId : sha256(`${prev} ${diffId}`));
  }
  return out;
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const layers = spec.layers.map((layerSpec): BuiltLayer => {
    const tar = layerTar(layerSpec);
    return { tar, diffId: sha256(tar) };
  });
  const empty = spec.emptyHistory ?? {};
  for (const key of Object.keys(empty)) {
    const i = Number(key);
    if (key !== 'end' && !(Number.isInteger(i) && i >= 0 && i <= spec.layers.length)) {
      throw new Error(`image-builder: emptyHistory key ${key} is not 'end' or a layer index 0..${spec.layers.length}`);
    }
  }
  const emptyEntries = (list: string[] | undefined): HistoryEntry[] =>
    (list ?? []).map((createdBy) => ({ created: CREATED, created_by: createdBy, empty_layer: true }));
  const history: HistoryEntry[] = [];
  spec.layers.forEach((layer, i) => {
    history.push(...emptyEntries(empty[i]));
    const entry: HistoryEntry = { created: CREATED, created_by: layer.createdBy ?? `/bin/sh -c #(nop) ADD layer-${i}.tar in / ` };
    if (layer.comment !== undefined) entry.comment = layer.comment;
    history.push(entry);
  });
  history.push(...emptyEntries(empty[spec.layers.length]), ...emptyEntries(empty.end));

  const platform: Platform = { architecture: spec.architecture ?? 'amd64', os: spec.os ?? 'linux' };
  if (spec.variant !== undefined) platform.variant = spec.variant;
  const config: ImageConfig = {
    created: CREATED,
    architecture: platform.architecture,
    ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
    os: platform.os,
    config: { ...(spec.config ?? {}) },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history,
  };
  const configBytes = jsonBytes(config);
  return { layers, config, configBytes, configDigest: sha256(configBytes), platform };
}

function built(image: ImageSpec | BuiltImage): BuiltImage {
  return 'configDigest' in image ? image : buildImage(image);
}

/** Docker's reference normalisation: `app:1` -> docker.io/library/app:1, `x/app` -> docker.io/x/app:latest. */
export function parseRepoTag(repoTag: string): { full: string; familiarName: string; familiar: string; tag: string } {
  if (repoTag.includes('@')) throw new Error(`image-builder: repoTag must be name:tag, not a digest: ${repoTag}`);
  const slash = repoTag.lastIndexOf('/');
  const colon = repoTag.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = hasTag ? repoTag.slice(0, colon) : repoTag;
  const tag = hasTag ? repoTag.slice(colon + 1) : 'latest';
  const first = name.split('/')[0] ?? '';
  const hasDomain = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let fullName = hasDomain ? name : `docker.io/${name}`;
  if (!hasDomain && !name.includes('/')) fullName = `docker.io/library/${name}`;
  if (fullName.startsWith('index.docker.io/')) fullName = 'docker.io/' + fullName.slice('index.docker.io/'.length);
  let familiarName = fullName;
  if (familiarName.startsWith('docker.io/')) {
    familiarName = familiarName.slice('docker.io/'.length);
    if (familiarName.startsWith('library/') && familiarName.split('/').length === 2) familiarName = familiarName.slice('library/'.length);
  }
  return { full: `${fullName}:${tag}`, familiarName, familiar: `${familiarName}:${tag}`, tag };
}

// ---------------------------------------------------------------------------------------------
// docker save, Docker <= 24
// ---------------------------------------------------------------------------------------------

type GoValue = string | number | boolean | null | GoValue[] | { [key: string]: GoValue };

/** api/types/container.Config as Go marshals it (fields without omitempty always present). */
function goContainerConfig(c: ImageConfigSpec | undefined): Record<string, GoValue> {
  return {
    Hostname: '',
    Domainname: '',
    User: c?.User ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: c?.Env ?? null,
    Cmd: c?.Cmd ?? null,
    Image: '',
    Volumes: null,
    WorkingDir: c?.WorkingDir ?? '',
    Entrypoint: c?.Entrypoint ?? null,
    OnBuild: null,
    Labels: c?.Labels ?? null,
  };
}

/** Go's json.Marshal of a map: keys sorted. */
function sortedKeys(obj: Record<string, GoValue>): Record<string, GoValue> {
  const out: Record<string, GoValue> = {};
  for (const key of Object.keys(obj).sort()) out[key] = obj[key] as GoValue;
  return out;
}

/**
 * The v1 IDs and `<id>/json` files of a legacy save, as image/tarexport/save.go + image/v1.CreateID build
 * them: intermediate layers get a bare V1Image (created 0, empty container_config), the top one the image's.
 */
function legacyV1(image: BuiltImage): { ids: string[]; jsons: Buffer[] } {
  const chain = chainIds(image.layers.map((l) => l.diffId));
  const ids: string[] = [];
  const jsons: Buffer[] = [];
  let parent = '';
  image.layers.forEach((_, i) => {
    const top = i === image.layers.length - 1;
    // V1Image field order: id, parent, comment, created, container, container_config, docker_version, author, config, architecture, variant, os
    const v1: Record<string, GoValue> = top
      ? {
          created: image.config.created,
          container_config: goContainerConfig(undefined),
          config: goContainerConfig(image.config.config),
          architecture: image.config.architecture,
          ...(image.config.variant !== undefined ? { variant: image.config.variant } : {}),
          os: image.config.os,
        }
      : { created: CREATED, container_config: goContainerConfig(undefined) };
    const forId: Record<string, GoValue> = { ...v1, layer_id: chain[i] as string };
    if (parent) forId.parent = parent;
    const id = sha256(goJson(sortedKeys(forId)));
    const withIds: Record<string, GoValue> = { id: hexOf(id) };
    if (parent) withIds.parent = hexOf(parent);
    Object.assign(withIds, v1, { os: image.config.os });
    ids.push(hexOf(id));
    jsons.push(jsonBytes(withIds));
    parent = id;
  });
  return { ids, jsons };
}

interface ArchiveFile {
  path: string;
  body?: Buffer;
  symlink?: string;
}

/** A directory tree as Docker's archive.Tar / containers' archive.Tar write it: a walk in byte order, directories first as `name/`. */
function tarTree(files: ArchiveFile[], order: 'lexical' | 'as-given'): Buffer {
  const sorted = order === 'lexical' ? [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path))) : files;
  const members: TarMember[] = [];
  const dirs = new Set<string>();
  for (const file of sorted) {
    const parts = file.path.split('/');
    for (let n = 1; n < parts.length; n++) {
      const dir = parts.slice(0, n).join('/') + '/';
      if (!dirs.has(dir)) {
        dirs.add(dir);
        members.push({ header: { name: dir, type: 'directory' } });
      }
    }
    members.push(
      file.symlink !== undefined
        ? { header: { name: file.path, type: 'symlink', linkname: file.symlink } }
        : { header: { name: file.path, type: 'file' }, body: file.body ?? Buffer.alloc(0) },
    );
  }
  return tarMembers(members);
}

export interface LegacySaveOptions {
  repoTag?: string;
  /** When two layers have identical tars, write the second `<id>/layer.tar` as a symlink to `../<id1>/layer.tar`, as Docker 1.10-24 do. */
  duplicateLayerAsSymlink?: boolean;
}

/**
 * `docker save` as Docker <= 24 writes it: `<v1-id>/{VERSION,json,layer.tar}` per layer, `<config-hex>.json`,
 * `manifest.json`, `repositories` (only when tagged). Docker tars its temp dir, so members come in byte order
 * of their paths: layer directories and the config file are interleaved by hex, then manifest.json, repositories.
 */
export function dockerSaveLegacy(image: ImageSpec | BuiltImage, options: LegacySaveOptions = {}): Buffer {
  const img = built(image);
  const { ids, jsons } = legacyV1(img);
  const files: ArchiveFile[] = [];
  const firstPathOf = new Map<string, string>();
  img.layers.forEach((layer, i) => {
    const id = ids[i] as string;
    files.push({ path: `${id}/VERSION`, body: Buffer.from('1.0') }, { path: `${id}/json`, body: jsons[i] as Buffer });
    const earlier = firstPathOf.get(layer.diffId);
    if (earlier !== undefined && options.duplicateLayerAsSymlink) {
      files.push({ path: `${id}/layer.tar`, symlink: `../${earlier}` });
    } else {
      files.push({ path: `${id}/layer.tar`, body: layer.tar });
      if (earlier === undefined) firstPathOf.set(layer.diffId, `${id}/layer.tar`);
    }
  });
  const configName = `${hexOf(img.configDigest)}.json`;
  files.push({ path: configName, body: img.configBytes });
  const ref = options.repoTag !== undefined ? parseRepoTag(options.repoTag) : undefined;
  const manifest = [{ Config: configName, RepoTags: ref ? [ref.familiar] : null, Layers: ids.map((id) => `${id}/layer.tar`) }];
  files.push({ path: 'manifest.json', body: jsonBytes(manifest, true) });
  if (ref) files.push({ path: 'repositories', body: jsonBytes({ [ref.familiarName]: { [ref.tag]: ids[ids.length - 1] } }, true) });
  return tarTree(files, 'lexical');
}

// ---------------------------------------------------------------------------------------------
// docker save, Docker >= 25
// ---------------------------------------------------------------------------------------------

/** oci-layout as Docker and skopeo write it (with the space). */
const OCI_LAYOUT = '{"imageLayoutVersion": "1.0.0"}';

export interface OciSaveOptions {
  repoTag?: string;
}

/**
 * `docker save` as Docker >= 25 (graph-driver store, moby image/tarexport/save.go) writes it: an OCI layout
 * whose blobs are the uncompressed layer tars (named by diff_id), the config, the OCI manifest and - as
 * Docker does - one unreferenced legacy v1 json blob per layer; plus index.json, manifest.json
 * (docker format, `blobs/sha256/<hex>` paths, LayerSources), oci-layout, repositories (only when tagged).
 * Byte order of paths, as Docker tars its temp dir: blobs, index.json, manifest.json, oci-layout, repositories.
 */
export function dockerSaveOci(image: ImageSpec | BuiltImage, options: OciSaveOptions = {}): Buffer {
  const img = built(image);
  const { jsons } = legacyV1(img);
  const blobs = new Map<string, Buffer>();
  const addBlob = (data: Buffer): Descriptor => {
    const digest = sha256(data);
    blobs.set(digest, data);
    return { mediaType: MEDIA_TYPES.ociLayer, digest, size: data.byteLength };
  };
  for (const json of jsons) addBlob(json);
  const layerDescs = img.layers.map((l) => addBlob(l.tar));
  addBlob(img.configBytes);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, digest: img.configDigest, size: img.configBytes.byteLength },
    layers: layerDescs.map((d) => ({ mediaType: d.mediaType, digest: d.digest, size: d.size })),
  };
  const manifestBytes = jsonBytes(manifest);
  const manifestDigest = addBlob(manifestBytes).digest;
  const ref = options.repoTag !== undefined ? parseRepoTag(options.repoTag) : undefined;
  const manifestDesc: Record<string, unknown> = { mediaType: MEDIA_TYPES.ociManifest, digest: manifestDigest, size: manifestBytes.byteLength };
  if (ref) manifestDesc.annotations = { 'io.containerd.image.name': ref.full, 'org.opencontainers.image.ref.name': ref.tag };
  const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [manifestDesc] };
  const layerSources: Record<string, { mediaType: string; size: number; digest: string }> = {};
  for (const d of [...layerDescs].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0))) {
    layerSources[d.digest] = { mediaType: d.mediaType, size: d.size, digest: d.digest };
  }
  const dockerManifest = [
    {
      Config: `blobs/sha256/${hexOf(img.configDigest)}`,
      RepoTags: ref ? [ref.familiar] : null,
      Layers: img.layers.map((l) => `blobs/sha256/${hexOf(l.diffId)}`),
      LayerSources: layerSources,
    },
  ];
  const files: ArchiveFile[] = [...blobs].map(([digest, body]) => ({ path: `blobs/sha256/${hexOf(digest)}`, body }));
  files.push(
    { path: 'index.json', body: jsonBytes(index) },
    { path: 'manifest.json', body: jsonBytes(dockerManifest, true) },
    { path: 'oci-layout', body: Buffer.from(OCI_LAYOUT) },
  );
  const top = img.layers[img.layers.length - 1];
  if (ref && top) files.push({ path: 'repositories', body: jsonBytes({ [ref.familiarName]: { [ref.tag]: hexOf(top.diffId) } }, true) });
  return tarTree(files, 'lexical');
}

// ---------------------------------------------------------------------------------------------
// OCI image layout (skopeo's oci-archive / oci:)
// ---------------------------------------------------------------------------------------------

export interface OciLayoutOptions {
  compression: Compression;
  /** org.opencontainers.image.ref.name of the index.json entry; none when absent. */
  refName?: string;
  /**
   * TarMember order of the archive. 'lexical' (default): byte order of paths - blobs/, index.json, oci-layout -
   * as skopeo writes it. 'metadata-first': oci-layout, index.json, then blobs (manifests/configs before layers).
   */
  order?: 'lexical' | 'metadata-first';
  /** Which digest names the blobs (descriptors and blobs/<algorithm>/<hex>): sha256 (default) or sha512. */
  digestAlgorithm?: 'sha256' | 'sha512';
}

export interface OciLayout {
  /** Path inside the layout -> contents. */
  files: Map<string, Buffer>;
  /** The descriptor in index.json. */
  root: Descriptor;
  /** Per image: manifest and layer descriptors. */
  images: { manifest: Descriptor; config: Descriptor; layers: Descriptor[] }[];
}

const LAYER_MEDIA: Record<Compression, string> = {
  none: MEDIA_TYPES.ociLayer,
  gzip: MEDIA_TYPES.ociLayerGzip,
  zstd: MEDIA_TYPES.ociLayerZstd,
};

/** The files of an OCI image layout (blobs in the order they were made: layers, config, manifest per image, then the nested index). */
export function ociLayout(images: ImageSpec | BuiltImage | (ImageSpec | BuiltImage)[], options: OciLayoutOptions): OciLayout {
  const list = Array.isArray(images) ? images.map(built) : [built(images)];
  const files = new Map<string, Buffer>();
  const algorithm = options.digestAlgorithm ?? 'sha256';
  const put = (mediaType: string, data: Buffer): Descriptor => {
    const digest = `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
    files.set(`blobs/${algorithm}/${hexOf(digest)}`, data);
    return { mediaType, digest, size: data.byteLength };
  };
  const compressed = new Map<string, Buffer>();
  const described = list.map((img) => {
    const layers = img.layers.map((layer) => {
      let blob = compressed.get(layer.diffId);
      if (!blob) {
        blob = options.compression === 'none' ? layer.tar : compress(layer.tar, options.compression);
        compressed.set(layer.diffId, blob);
      }
      return put(LAYER_MEDIA[options.compression], blob);
    });
    const config = put(MEDIA_TYPES.ociConfig, img.configBytes);
    const manifestBytes = jsonBytes({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers });
    const manifest = put(MEDIA_TYPES.ociManifest, manifestBytes);
    return { img, manifest, config, layers };
  });
  let root: Descriptor;
  if (Array.isArray(images)) {
    const nested = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: described.map(({ img, manifest }) => ({ ...manifest, platform: { ...img.platform } })),
    };
    root = put(MEDIA_TYPES.ociIndex, jsonBytes(nested));
  } else {
    const only = described[0];
    if (!only) throw new Error('image-builder: no image');
    root = { ...only.manifest };
  }
  if (options.refName !== undefined) root.annotations = { 'org.opencontainers.image.ref.name': options.refName };
  files.set('index.json', jsonBytes({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [root] }));
  files.set('oci-layout', Buffer.from(OCI_LAYOUT));
  return { files, root, images: described.map(({ manifest, config, layers }) => ({ manifest, config, layers })) };
}

/** An OCI image layout packed in a tar (`oci-archive:`). Several images -> index.json points at one nested image index with platforms. */
export function ociArchive(images: ImageSpec | BuiltImage | (ImageSpec | BuiltImage)[], options: OciLayoutOptions): Buffer {
  const layout = ociLayout(images, options);
  const files = [...layout.files].map(([path, body]) => ({ path, body }));
  if ((options.order ?? 'lexical') === 'lexical') return tarTree(files, 'lexical');
  // oci-layout, index.json, the nested index, each image's manifest and config, then the layer blobs.
  const first = ['oci-layout', 'index.json'];
  for (const desc of [layout.root, ...layout.images.flatMap((i) => [i.manifest, i.config])]) {
    const path = `blobs/${desc.digest.slice(0, desc.digest.indexOf(":"))}/${hexOf(desc.digest)}`;
    if (!first.includes(path)) first.push(path);
  }
  const rank = (path: string): number => (first.includes(path) ? first.indexOf(path) : first.length);
  return tarTree(files.sort((a, b) => rank(a.path) - rank(b.path)), 'as-given');
}

/** The same layout as ociArchive, written as a directory (created if missing). */
export function writeOciLayout(dir: string, images: ImageSpec | BuiltImage | (ImageSpec | BuiltImage)[], options: OciLayoutOptions): OciLayout {
  const layout = ociLayout(images, options);
  for (const [path, body] of layout.files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, body);
  }
  return layout;
}
