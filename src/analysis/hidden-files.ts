import { byCodeUnits } from '../text-order.js';
import type { HiddenFile } from './layered-filesystem.js';

/** What reports show by default (the JSON report's --top); a first pick takes this many, for later calls to share. */
const SHOWN_AT_MOST = 100;

/** Largest first, then by path; files equal in both keep the order the layers hid them in. */
function largerFirst(a: HiddenFile, b: HiddenFile): number {
  return b.size - a.size || byCodeUnits(a.path, b.path);
}

/** Bytes stored by one layer and hidden by another. */
export interface LayerPair {
  addedIn: number;
  hiddenIn: number;
  bytes: number;
}

/**
 * The hidden files of an image, in the order reports show them. An image can hide 100,000 files while a
 * report shows the largest 20: those are picked without sorting the rest, and the whole list is sorted only
 * when something asks for all of it.
 */
export class HiddenFiles {
  private sorted: HiddenFile[] | undefined;
  /** The largest files, from the first call of `largest` without a filter. */
  private top: HiddenFile[] | undefined;
  /** Their bytes by the pair of layers that stored and hid them, pairs in the order they first occur. */
  readonly pairs: LayerPair[];

  /** `files` in the order the layers hid them. */
  constructor(private readonly files: readonly HiddenFile[]) {
    this.pairs = pairsOf(files);
  }

  get count(): number {
    return this.files.length;
  }

  /** Every file, largest first. */
  all(): HiddenFile[] {
    this.sorted ??= this.files.slice().sort(largerFirst); // stable: ties stay in the order they were hidden
    return this.sorted.slice();
  }

  /** The `n` largest of the files `keep` accepts (default: all), in the order of `all()`. */
  largest(n: number, keep?: (file: HiddenFile) => boolean): HiddenFile[] {
    if (this.sorted !== undefined || n >= this.files.length) return this.all().filter(keep ?? (() => true)).slice(0, n);
    if (keep !== undefined) return this.pick(n, keep);
    // Reports and rules ask for a few each: one pass serves them all.
    if (this.top === undefined || this.top.length < n) this.top = this.pick(Math.max(n, SHOWN_AT_MOST), () => true);
    return this.top.slice(0, n);
  }

  /** Every file, in the order the layers hid them (bottom layer first): for sums and groupings. */
  inHidingOrder(): readonly HiddenFile[] {
    return this.files;
  }

  private pick(n: number, keep: (file: HiddenFile) => boolean): HiddenFile[] {
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
}

/** Hidden bytes by (layer that stored them, layer that hid them), pairs in the order they first occur. */
export function pairsOf(files: readonly HiddenFile[]): LayerPair[] {
  const pairs = new Map<number, LayerPair>();
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const key = file.addedIn * 0x10000 + file.hiddenIn; // no string per file: there can be 100,000s
    const pair = pairs.get(key);
    if (pair) pair.bytes += file.size;
    else pairs.set(key, { addedIn: file.addedIn, hiddenIn: file.hiddenIn, bytes: file.size });
  }
  return [...pairs.values()];
}
