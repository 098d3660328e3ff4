import { posix } from 'node:path';
import type { EntryKind, LayerEntry } from '../model/entry.js';
import type { TarHeader } from './tar-parser.js';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

/**
 * Lexical normalisation of a tar member name to an absolute image path. `..` cannot climb above the
 * root: the result is only ever a key in our model of the image, never a path on the host.
 */
export function imagePath(name: string): string {
  const normal = posix.normalize('/' + name);
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
  const base = posix.basename(path);
  const common = { mode: header.mode ?? 0, uid: header.uid ?? 0, gid: header.gid ?? 0, size: 0 };
  if (base.startsWith(WHITEOUT_PREFIX)) {
    if (base === OPAQUE_MARKER) return { ...common, path: parentPath(path), kind: 'opaque' };
    // Other `.wh..wh.` names are AUFS metadata (hard-link bookkeeping), not whiteouts of real files.
    if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) return undefined;
    return { ...common, path: joinPath(parentPath(path), base.slice(WHITEOUT_PREFIX.length)), kind: 'whiteout' };
  }
  const kind = kindOf(header.type);
  const entry: LayerEntry = { ...common, path, kind, size: kind === 'file' ? header.size ?? 0 : 0 };
  if (kind === 'symlink') entry.linkTarget = header.linkname ?? '';
  if (kind === 'hardlink') entry.linkTarget = imagePath(header.linkname ?? '');
  return entry;
}
