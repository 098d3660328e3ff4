import type { LayerEntry } from '../../src/model/entry.js';

/** Terse constructors for layer entries in tests. */
export const file = (path: string, size: number, mode = 0o644): LayerEntry => ({ path, kind: 'file', size, mode, uid: 0, gid: 0 });
export const dir = (path: string, mode = 0o755): LayerEntry => ({ path, kind: 'dir', size: 0, mode, uid: 0, gid: 0 });
export const symlink = (path: string, target: string): LayerEntry => ({ path, kind: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, linkTarget: target });
export const hardlink = (path: string, target: string): LayerEntry => ({ path, kind: 'hardlink', size: 0, mode: 0o644, uid: 0, gid: 0, linkTarget: target });
export const whiteout = (path: string): LayerEntry => ({ path, kind: 'whiteout', size: 0, mode: 0, uid: 0, gid: 0 });
export const opaque = (path: string): LayerEntry => ({ path, kind: 'opaque', size: 0, mode: 0, uid: 0, gid: 0 });
