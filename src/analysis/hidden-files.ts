import { byCodeUnits } from '../text-order.js';
import type { HiddenFile } from './layered-filesystem.js';

/** Largest first, then by path; files equal in both keep the order the layers hid them in. */
function largerFirst(a: HiddenFile, b: HiddenFile): number {
  return b.size - a.size || byCodeUnits(a.path, b.path);
}

/**
 * The hidden files of an image, in the order reports show them. An image can hide 100,000 files while a
 * report shows the largest 20: those are picked without sorting the rest, and the whole list is sorted only
 * when something asks for all of it.
 */
export class HiddenFiles {
  private sorted: HiddenFile[] | undefined;

  /** `files` in the order the layers hid them. */
  constructor(private readonly files: readonly HiddenFile[]) {}

  get count(): number {
    return this.files.length;
  }

  /** Every file, largest first. */
  all(): HiddenFile[] {
    this.sorted ??= this.files.slice().sort(largerFirst); // stable: ties stay in the order they were hidden
    return this.sorted.slice();
  }

  /** The `n` largest of the files `keep` accepts, in the order of `all()`. */
  largest(n: number, keep: (file: HiddenFile) => boolean = () => true): HiddenFile[] {
    if (this.sorted !== undefined || n >= this.files.length) return this.all().filter(keep).slice(0, n);
    // Kept in order as the files go by: a file enters when it sorts before the smallest kept one. Ties go
    // after the files already kept, which came earlier: the same order as the stable sort of all().
    const top: HiddenFile[] = [];
    for (const file of this.files) {
      if (top.length === n && (n === 0 || largerFirst(file, top[n - 1]!) >= 0)) continue;
      if (!keep(file)) continue;
      let low = 0;
      let high = top.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (largerFirst(file, top[middle]!) < 0) high = middle;
        else low = middle + 1;
      }
      top.splice(low, 0, file);
      if (top.length > n) top.pop();
    }
    return top;
  }

  /** Every file, in the order the layers hid them (bottom layer first): for sums and groupings. */
  inHidingOrder(): readonly HiddenFile[] {
    return this.files;
  }
}
