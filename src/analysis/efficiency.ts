import type { LayerEntry } from '../model/entry.js';
import { parentPath } from '../layers/entries.js';
import type { LayeredFilesystem } from './layered-filesystem.js';

/** Growable columns of numbers, one row per path: no object per path, nothing for the GC to trace. */
class Columns {
  cumulative = new Float64Array(1024);
  minimum = new Float64Array(1024);
  /** The column values as they were before the layer that last touched the row, for "last entry of a layer wins". */
  cumulativeBefore = new Float64Array(1024);
  minimumBefore = new Float64Array(1024);
  layer = new Int32Array(1024);
  length = 0;

  add(): number {
    if (this.length === this.layer.length) {
      const grow = <T extends Float64Array | Int32Array>(old: T): T => {
        const bigger = new (old.constructor as new (n: number) => T)(old.length * 2);
        bigger.set(old);
        return bigger;
      };
      this.cumulative = grow(this.cumulative);
      this.minimum = grow(this.minimum);
      this.cumulativeBefore = grow(this.cumulativeBefore);
      this.minimumBefore = grow(this.minimumBefore);
      this.layer = grow(this.layer);
    }
    return this.length++;
  }
}

/** Whether `path` is directly inside directory `dir` (compared in place: no parent path string is made). */
function isChildOf(path: string, dir: string): boolean {
  if (dir === '/') return path.lastIndexOf('/') === 0 && path.length > 1;
  return path.length > dir.length + 1 && path.charCodeAt(dir.length) === 0x2f && path.startsWith(dir) && path.indexOf('/', dir.length + 1) === -1;
}

/**
 * dive's "efficiency" score, for teams moving from `.dive-ci`: over every path that is a leaf of some
 * layer's tree, (sum of the smallest size seen for the path) / (sum of all sizes seen for it).
 * A whiteout counts the bytes of the directory it deletes (0 for a file). Like dive, an opaque marker
 * is a leaf of its own name and deletes nothing here. The per-path sizes come from our exact union model,
 * so on images with opaque directories the score can differ slightly from dive's own.
 */
export class DiveEfficiency {
  /** Row of each leaf path ever seen in `columns`. */
  private readonly rows = new Map<string, number>();
  private readonly columns = new Columns();
  private layers = 0;

  /** Call before the layer is applied to the filesystem, so whiteouts see what they delete. */
  addLayer(entries: readonly LayerEntry[], below: LayeredFilesystem): void {
    const layer = ++this.layers;
    const inner = new Set<string>();
    // Entries of a directory come one after another in a layer tar: when an entry sits in the directory the
    // previous one started from, its ancestors are already in `inner`.
    let lastDir: string | undefined;
    // Indexed loops: for-of allocates an iterator result per entry until the optimiser steps in.
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.kind !== 'opaque' && lastDir !== undefined && isChildOf(entry.path, lastDir)) continue;
      // The raw tar name of a whiteout sits in the deleted path's directory; an opaque marker inside its directory.
      let dir = entry.kind === 'opaque' ? entry.path : parentPath(entry.path);
      lastDir = dir;
      while (!inner.has(dir)) {
        inner.add(dir);
        if (dir === '/') break;
        dir = parentPath(dir);
      }
    }
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.kind === 'opaque') {
        this.record(entry.path === '/' ? '/.wh..opq' : entry.path + '/.wh..opq', 0, layer);
      } else if (!inner.has(entry.path)) {
        this.record(entry.path, entry.kind === 'whiteout' ? this.deletedDirectoryBytes(entry.path, below) : entry.size, layer);
      }
    }
  }

  score(): number {
    let minimum = 0;
    let cumulative = 0;
    const columns = this.columns;
    for (let row = 0; row < columns.length; row++) {
      minimum += columns.minimum[row]!;
      cumulative += columns.cumulative[row]!;
    }
    return cumulative === 0 ? 1 : minimum / cumulative;
  }

  /** One leaf of one layer; a path listed twice in a layer counts once, with its last size. */
  private record(path: string, size: number, layer: number): void {
    const c = this.columns;
    let row = this.rows.get(path);
    if (row === undefined) {
      row = c.add();
      this.rows.set(path, row);
      c.cumulativeBefore[row] = 0;
      c.minimumBefore[row] = Infinity;
    } else if (c.layer[row] !== layer) {
      c.cumulativeBefore[row] = c.cumulative[row]!;
      c.minimumBefore[row] = c.minimum[row]!;
    }
    c.layer[row] = layer;
    c.cumulative[row] = c.cumulativeBefore[row]! + size;
    c.minimum[row] = Math.min(c.minimumBefore[row]!, size);
  }

  private deletedDirectoryBytes(path: string, below: LayeredFilesystem): number {
    return below.isDirectory(path) ? below.visibleBytesUnder(path) : 0;
  }
}
