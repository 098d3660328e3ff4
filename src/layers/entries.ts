import { posix } from 'node:path';
import type { EntryKind, LayerEntry } from '../model/entry.js';
import { displayName, nameByteLength } from './tar-names.js';
import type { TarHeader } from './tar-parser.js';

/**
 * A tar entry the engine would refuse to apply (so `docker load` fails): the layer is refused with one line.
 * Only what the engine refuses whatever else the image holds; the message says why.
 */
export class LayerRefusal extends Error {
  override readonly name = 'LayerRefusal';
}

/** Linux's PATH_MAX, with its terminating NUL: a longer path is ENAMETOOLONG for every call moby makes. */
const PATH_MAX = 4096;
/** NAME_MAX of ext4, xfs and overlayfs: the longest name one directory entry can have. */
const NAME_MAX = 255;

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

/** Absolute paths that posix.normalize would change: empty, `.` and `..` segments. */
const NEEDS_NORMALISING = /\/\/|\/\.\.?(\/|$)/;

/**
 * Lexical normalisation of a tar member name to an absolute image path. `..` cannot climb above the
 * root: the result is only ever a key in our model of the image, never a path on the host.
 */
export function imagePath(name: string): string {
  // Layer tars name almost every member plainly ("usr/bin/", "usr/bin/env"): skip normalize() for those.
  // A base layer made with `tar -C rootfs .` names every member "./usr/bin/env": the same path, and no
  // reason to normalise each of them either.
  const absolute = '/' + (name.charCodeAt(0) === 0x2e && name.charCodeAt(1) === 0x2f ? name.slice(2) : name);
  const normal = NEEDS_NORMALISING.test(absolute) ? posix.normalize(absolute) : absolute;
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

/**
 * What moby's createTarFile (pkg/archive/archive.go; containerd's archive/tar.go alike) does with each type:
 * regular files ('0', and '\0' which Go already rewrote), directories, links, symlinks, devices and FIFOs
 * are applied; a PAX global header is ignored; anything else ('7' contiguous, 'S' GNU sparse, unknown
 * letters) is "unhandled tar header type": the load fails.
 */
function kindOf(header: TarHeader): EntryKind | 'ignored' {
  switch (header.type) {
    case 'file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    case 'character-device':
    case 'block-device':
    case 'fifo':
      return 'other';
    case 'pax-global-header':
      return 'ignored';
    default:
      throw new LayerRefusal(`entry ${quoted(header.name)} has tar type ${typeName(header.typeflag)}, which Docker cannot apply ("unhandled tar header type")`);
  }
}

function typeName(typeflag: number): string {
  return typeflag >= 0x21 && typeflag < 0x7f ? `'${String.fromCharCode(typeflag)}'` : `0x${typeflag.toString(16).padStart(2, '0')}`;
}

function quoted(name: string): string {
  const shown = displayName(name);
  return JSON.stringify(shown.length > 200 ? shown.slice(0, 200) + '…' : shown);
}

/**
 * The kernel refuses a path over PATH_MAX - 1 bytes, or with a component over NAME_MAX, with ENAMETOOLONG:
 * moby cannot create the entry and the load fails. Go's reader itself does not refuse such names.
 */
function checkLength(path: string, what: string, entryName: string): void {
  if (path.length < 256) return; // at most 3 bytes per UTF-16 unit: short enough on both counts
  if (nameByteLength(path) >= PATH_MAX) throw new LayerRefusal(`entry ${quoted(entryName)}: its ${what} is longer than the ${PATH_MAX - 1} bytes Linux allows (PATH_MAX)`);
  for (const part of path.split('/')) {
    if (part.length > NAME_MAX / 3 && nameByteLength(part) > NAME_MAX) throw new LayerRefusal(`entry ${quoted(entryName)}: its ${what} has a name longer than the ${NAME_MAX} bytes Linux allows (NAME_MAX)`);
  }
}

/** `filepath.Clean` of the name is "." ("", ".", "./", "a/.."): moby skips such an entry whatever its type. */
function namesTheRootAsDot(name: string): boolean {
  return posix.normalize(name === '' ? '.' : name).replace(/\/+$/, '') === '.';
}

/**
 * Decode one tar header into a layer entry as moby's Unpack applies it (in a chroot of the layer directory,
 * so `..` and absolute names stay inside: imagePath); `undefined` for what it skips: PAX global headers,
 * entries naming the root as ".", AUFS bookkeeping. Throws LayerRefusal for what makes the load fail.
 */
export function entryFromHeader(header: TarHeader): LayerEntry | undefined {
  const path = imagePath(header.name);
  // An entry naming the root as "." is skipped whatever its type ("if fi.IsDir() && hdr.Name == "." { continue }"):
  // both stores load a layer whose only oddity is such an entry of a type they cannot apply (the differential test).
  if (header.type === 'pax-global-header') return undefined;
  if (path === '/' && header.type !== 'directory') {
    if (namesTheRootAsDot(header.name)) return undefined;
    // Anything else at the root is RemoveAll("/") then a create that fails: the graphdriver store's load fails
    // (the containerd store skips it), whatever the entry's type.
    throw new LayerRefusal(`entry ${quoted(header.name)} would replace the root directory, which Docker refuses`);
  }
  checkLength(path, 'path', header.name);
  const slash = path.lastIndexOf('/');
  const mode = header.mode ?? 0;
  const uid = header.uid ?? 0;
  const gid = header.gid ?? 0;
  // Whiteouts are told by their name before their type is looked at, as moby's UnpackLayer and containerd's
  // applier do: a `.wh.` entry of any type is a whiteout. Rare: the basename's prefix is tested in place.
  if (path.startsWith(WHITEOUT_PREFIX, slash + 1)) {
    const base = path.slice(slash + 1);
    // Every entry is built with the same properties in the same order: one object shape for all of them.
    if (base === OPAQUE_MARKER) return { mode, uid, gid, size: 0, path: parentPath(path), kind: 'opaque' };
    // Other `.wh..wh.` names are AUFS metadata (hard-link bookkeeping), not whiteouts of real files.
    if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) return undefined;
    const target = base.slice(WHITEOUT_PREFIX.length);
    // overlay's ConvertRead makes a whiteout device at Join(dir, target): for "." or ".." that path exists
    // (the directory or its parent) and mknod fails.
    if (target === '.' || target === '..' || target === '') throw new LayerRefusal(`entry ${quoted(header.name)} is a whiteout of "${target}", which Docker cannot apply`);
    return { mode, uid, gid, size: 0, path: joinPath(parentPath(path), target), kind: 'whiteout' };
  }
  const kind = kindOf(header);
  if (kind === 'ignored') return undefined;
  const entry: LayerEntry = { mode, uid, gid, size: kind === 'file' ? header.size : 0, path, kind };
  if (kind === 'symlink') {
    // symlink(2) takes a target of at most PATH_MAX - 1 bytes.
    if (header.linkname.length >= PATH_MAX / 3 && nameByteLength(header.linkname) >= PATH_MAX) {
      throw new LayerRefusal(`entry ${quoted(header.name)}: its symlink target is longer than the ${PATH_MAX - 1} bytes Linux allows (PATH_MAX)`);
    }
    entry.linkTarget = header.linkname;
  }
  if (kind === 'hardlink') {
    entry.linkTarget = imagePath(header.linkname);
    checkLength(entry.linkTarget, 'hard link target', header.name);
  }
  return entry;
}
