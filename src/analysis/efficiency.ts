import type { LayerEntry } from '../model/entry.js';
import { parentPath } from '../layers/entries.js';
import type { LayeredFilesystem } from './layered-filesystem.js';

/**
 * dive's "efficiency" score, for teams moving from `.dive-ci`: over every path that is a leaf of some
 * layer's tree, (sum of the smallest size seen for the path) / (sum of all sizes seen for it).
 * A whiteout counts the bytes of the directory it deletes (0 for a file). Like dive, an opaque marker
 * is a leaf of its own name and deletes nothing here. The per-path sizes come from our exact union model,
 * so on images with opaque directories the score can differ slightly from dive's own.
 */
export class DiveEfficiency {
  private readonly paths = new Map<string, { cumulative: number; minimum: number }>();

  /** Call before the layer is applied to the filesystem, so whiteouts see what they delete. */
  addLayer(entries: readonly LayerEntry[], below: LayeredFilesystem): void {
    const inner = new Set<string>();
    for (const entry of entries) {
      // The raw tar name of a whiteout sits in the deleted path's directory; an opaque marker inside its directory.
      let dir = entry.kind === 'opaque' ? entry.path : parentPath(entry.path);
      while (!inner.has(dir)) {
        inner.add(dir);
        if (dir === '/') break;
        dir = parentPath(dir);
      }
    }
    const leaves = new Map<string, number>();
    for (const entry of entries) {
      if (entry.kind === 'opaque') {
        leaves.set(entry.path === '/' ? '/.wh..opq' : entry.path + '/.wh..opq', 0);
      } else if (!inner.has(entry.path)) {
        leaves.set(entry.path, entry.kind === 'whiteout' ? this.deletedDirectoryBytes(entry.path, below) : entry.size);
      }
    }
    for (const [path, size] of leaves) {
      const seen = this.paths.get(path);
      if (seen) {
        seen.cumulative += size;
        seen.minimum = Math.min(seen.minimum, size);
      } else this.paths.set(path, { cumulative: size, minimum: size });
    }
  }

  score(): number {
    let minimum = 0;
    let cumulative = 0;
    for (const seen of this.paths.values()) {
      minimum += seen.minimum;
      cumulative += seen.cumulative;
    }
    return cumulative === 0 ? 1 : minimum / cumulative;
  }

  private deletedDirectoryBytes(path: string, below: LayeredFilesystem): number {
    return below.isDirectory(path) ? below.visibleBytesUnder(path) : 0;
  }
}
