/** Growable columns of numbers, one row per path: no object per path, nothing for the GC to trace. */
class Columns {
  cumulative = new Float64Array(1024);
  minimum = new Float64Array(1024);
  /** The column values as they were before the layer that last touched the row, for "last entry of a layer wins". */
  cumulativeBefore = new Float64Array(1024);
  minimumBefore = new Float64Array(1024);
  /** The layer (counted from 1) that last recorded a size in the row; 0 for none yet. */
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

/**
 * dive's "efficiency" score, for teams moving from `.dive-ci`: over every path that is a leaf of some
 * layer's tree, (sum of the smallest size seen for the path) / (sum of all sizes seen for it).
 * A whiteout counts the bytes of the directory it deletes (0 for a file). Like dive, an opaque marker
 * is a leaf of its own name and deletes nothing here. The per-path sizes come from our exact union model,
 * so on images with opaque directories the score can differ slightly from dive's own.
 *
 * Which paths are leaves, and which row is a path's, is the union model's business (LayeredFilesystem
 * keeps a row on the node of each path it has seen): this class only adds up the sizes.
 */
export class DiveEfficiency {
  private readonly columns = new Columns();

  /** A row for a path seen for the first time. */
  newRow(): number {
    return this.columns.add();
  }

  /** The size of a leaf in a layer (numbered from 1, in stacking order); a path listed twice in a layer counts once, with its last size. */
  record(row: number, size: number, layer: number): void {
    const c = this.columns;
    if (c.layer[row] === 0) {
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
}
