import type { LayerEntry } from '../../src/model/entry.js';
import type { LayerSpec } from './image-builder.js';
import { dir, file, hardlink, opaque, symlink, whiteout } from './entries.js';

const abs = (path: string): string => '/' + path.replace(/\/+$/, '');

/** The entries a builder spec describes, straight from the spec (no tar in between), for the reference model. */
export function specEntries(layer: LayerSpec): LayerEntry[] {
  return layer.entries.flatMap((entry): LayerEntry[] => {
    switch (entry.type) {
      case 'file': {
        const size = entry.content !== undefined ? Buffer.byteLength(entry.content) : entry.size ?? 0;
        return [file(abs(entry.path), size, entry.mode)];
      }
      case 'dir':
        return [dir(abs(entry.path), entry.mode)];
      case 'symlink':
        return [symlink(abs(entry.path), entry.target)];
      case 'hardlink':
        return [hardlink(abs(entry.path), abs(entry.target))];
      case 'whiteout':
        return [whiteout(abs(entry.path))];
      case 'opaque':
        return [opaque(abs(entry.path))];
      default:
        throw new Error(`no spec mapping for ${entry.type}`);
    }
  });
}
