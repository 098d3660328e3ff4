import { posix } from 'node:path';
import type { EntryKind, LayerEntry } from '../model/entry.js';
import type { TarHeader } from './tar-parser.js';

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

function kindOf(type: TarHeader['type']): EntryKind {
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** Decode one tar header into a layer entry; `undefined` for AUFS bookkeeping entries that are not content. */
export function entryFromHeader(header: TarHeader): LayerEntry | undefined {
  const path = imagePath(header.name);
  const slash = path.lastIndexOf('/');
  const mode = header.mode ?? 0;
  const uid = header.uid ?? 0;
  const gid = header.gid ?? 0;
  // Whiteouts are rare: test the basename's prefix in place before cutting it out.
  if (path.startsWith(WHITEOUT_PREFIX, slash + 1)) {
    const base = path.slice(slash + 1);
    // Every entry is built with the same properties in the same order: one object shape for all of them.
    if (base === OPAQUE_MARKER) return { mode, uid, gid, size: 0, path: parentPath(path), kind: 'opaque' };
    // Other `.wh..wh.` names are AUFS metadata (hard-link bookkeeping), not whiteouts of real files.
    if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) return undefined;
    return { mode, uid, gid, size: 0, path: joinPath(parentPath(path), base.slice(WHITEOUT_PREFIX.length)), kind: 'whiteout' };
  }
  const kind = kindOf(header.type);
  const entry: LayerEntry = { mode, uid, gid, size: kind === 'file' ? header.size ?? 0 : 0, path, kind };
  if (kind === 'symlink') entry.linkTarget = header.linkname ?? '';
  if (kind === 'hardlink') entry.linkTarget = imagePath(header.linkname ?? '');
  return entry;
}
