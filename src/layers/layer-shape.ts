import type { LayerEntry } from '../model/entry.js';
import { LayerRefusal } from './entries.js';
import { displayName } from './tar-names.js';

/**
 * What applying a layer's entries in order makes of the layer's own directory, as far as the engines refuse
 * (or disagree on) it. Docker unpacks a layer into an empty directory of its own, entry by entry (moby's
 * pkg/archive UnpackLayer; containerd's archive applier on the containerd store), creating missing parents
 * as directories. So, found by the differential test against both engines (test/differential/
 * layer-engine.test.ts):
 *
 * - an entry under a path this layer made a file, a link or a device: "not a directory", the load fails on
 *   both stores;
 * - an entry under a symbolic link this layer made: both follow it (inside the layer), so the file lands
 *   elsewhere than its name says, or the load fails on a dangling link. Our model keeps paths as named, so
 *   such a layer is refused rather than read differently from the engine;
 * - a whiteout of a path this layer made: the graphdriver store fails (mknod: file exists), the containerd
 *   store deletes it; an image whose files depend on the store is refused;
 * - an entry under a path this layer whited out: the graphdriver store fails (its whiteout is a device
 *   there), the containerd store makes the directory: refused as above;
 * - a directory entry under a path a later entry replaces with a file or a link: the graphdriver store
 *   fails (setting the directory's times at the end), so it is refused;
 * - an opaque marker for a path the layer made a file (the containerd store fails, the graphdriver store
 *   marks the file), or one that comes after entries under its directory (the containerd store deletes those
 *   in directories the layer did not list, the graphdriver store keeps them): store-dependent, refused. Real
 *   writers put the marker right after its directory, before what is in it;
 * - a hard link to a directory: both stores fail (link: operation not permitted).
 *
 * One difference is left on purpose: a path twice in one layer (after Go's filepath.Clean) fails the
 * graphdriver store's load (tar-split: "duplicates of file paths not supported") while the containerd store,
 * which GitHub's runners use, applies both and the last wins. We read it as the containerd store does.
 *
 * Each is one line naming the entry. The state is one map of what this layer made at each path (a directory,
 * explicitly or as the parent of its entries, with whether something lies under it; or a non-directory, with
 * what it is) and the set of explicit directory entries. An entry's parents are walked up only to the first
 * directory already known, and not at all for the next entry in the same directory (tars list a directory's
 * entries together), so a layer costs about two lookups per entry.
 */
export class LayerShape {
  /** What this layer made at each path: DIR (with PARENT once something lies under it), or one of the others. */
  private readonly made = new Map<string, number>([['/', DIR]]);
  /** Directory entries of their own, in order: the graphdriver store sets their times once the layer is in. */
  private readonly explicitDirs = new Set<string>();
  /** A directory of this layer with something under it: its direct children need no walk up (or ''). */
  private lastParent = '';

  add(entry: LayerEntry): void {
    if (entry.kind === 'whiteout') return this.whiteout(entry);
    if (entry.kind === 'opaque') return this.opaque(entry);
    this.checkParents(entry.path, entry.path);
    if (entry.kind === 'hardlink' && entry.linkTarget) {
      this.checkParents(entry.linkTarget, entry.path);
      if ((this.made.get(entry.linkTarget) ?? 0) & DIR) throw refusal(entry.path, `is a hard link to ${shown(entry.linkTarget)}, a directory: Docker refuses such a layer (link: operation not permitted)`);
    }
    const old = this.made.get(entry.path) ?? 0;
    if (entry.kind === 'dir') {
      this.made.set(entry.path, DIR | (old & PARENT));
      this.explicitDirs.add(entry.path);
    } else {
      if (old & DIR) this.forgetDirsUnder(entry.path, old);
      this.made.set(entry.path, entry.kind === 'symlink' ? SYMLINK : OTHER);
    }
  }

  private whiteout(entry: LayerEntry): void {
    this.checkParents(entry.path, entry.path);
    if (this.made.has(entry.path)) {
      throw refusal(entry.path, 'is a whiteout of a path this same layer made: Docker 20.10 refuses such a layer and the containerd image store deletes the path, so what runs would depend on the store');
    }
    this.made.set(entry.path, WHITEOUT);
  }

  private opaque(entry: LayerEntry): void {
    this.checkParents(entry.path, entry.path);
    const old = this.made.get(entry.path) ?? 0;
    if (old & NON_DIR) {
      throw refusal(entry.path, 'is an opaque marker for a path this same layer made a file: Docker 20.10 marks the file and the containerd image store refuses the layer, so what runs would depend on the store');
    }
    if (old & PARENT) {
      throw refusal(entry.path, 'is an opaque marker that comes after entries of the same layer under it: Docker 20.10 keeps them and the containerd image store deletes those in directories the layer did not list, so what runs would depend on the store');
    }
    this.made.set(entry.path, old | DIR);
  }

  /** Every parent of `path` must be a directory (or not yet made) in this layer; they become directories. */
  private checkParents(path: string, entryPath: string): void {
    if (isDirectChild(path, this.lastParent)) return;
    const walked: string[] = [];
    let parent = parentOf(path);
    let kind = this.made.get(parent) ?? 0;
    for (; !(kind & DIR); parent = parentOf(parent), kind = this.made.get(parent) ?? 0) {
      if (kind & SYMLINK) throw refusal(entryPath, `lies under ${shown(parent)}, a symbolic link this same layer made: Docker would follow it and put the entry elsewhere`);
      if (kind & WHITEOUT) throw refusal(entryPath, `lies under ${shown(parent)}, which this same layer whited out: Docker 20.10 refuses such a layer (its whiteout is a device there) and the containerd image store makes a directory, so what runs would depend on the store`);
      if (kind) throw refusal(entryPath, `lies under ${shown(parent)}, which this same layer made a file: Docker refuses such a layer ("not a directory")`);
      walked.push(parent);
    }
    // The directory the walk stopped at has something under it now, as has each one it made.
    if (!(kind & PARENT)) this.made.set(parent, kind | PARENT);
    for (const dir of walked) this.made.set(dir, DIR | PARENT);
    this.lastParent = walked[0] ?? parent;
  }

  /**
   * A directory replaced by a file or a link: the directories under it are gone with it. One of them an entry
   * of its own fails the graphdriver store's load (it sets each such directory's times at the end: "chtimes:
   * not a directory"), so the layer is refused. Nothing lies under a directory without PARENT: no walk.
   */
  private forgetDirsUnder(path: string, kind: number): void {
    this.lastParent = '';
    this.explicitDirs.delete(path);
    this.made.delete(path);
    if (!(kind & PARENT)) return;
    const prefix = `${path}/`;
    for (const dir of this.explicitDirs) {
      if (dir.startsWith(prefix)) throw refusal(dir, `is a directory entry under ${shown(path)}, which a later entry of the same layer replaces: Docker refuses such a layer ("chtimes: not a directory")`);
    }
    for (const [made, what] of this.made) if (what & DIR && made.startsWith(prefix)) this.made.delete(made);
  }
}

const DIR = 1;
/** A directory something of this layer lies under. */
const PARENT = 2;
const SYMLINK = 4;
/** A whiteout: a device on the graphdriver store. */
const WHITEOUT = 8;
/** A regular file, a hard link, a device or a FIFO. */
const OTHER = 16;
const NON_DIR = SYMLINK | WHITEOUT | OTHER;

/** Whether `parent` (a directory, or '') is the directory `path` is directly in. */
function isDirectChild(path: string, parent: string): boolean {
  if (parent === '') return false;
  const cut = parent === '/' ? 0 : parent.length;
  return path.length > cut + 1 && path.charCodeAt(cut) === 0x2f && path.indexOf('/', cut + 1) === -1 && (cut === 0 || path.startsWith(parent));
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

function shown(path: string): string {
  return JSON.stringify(displayName(path).slice(0, 200));
}

function refusal(path: string, why: string): LayerRefusal {
  return new LayerRefusal(`entry ${shown(path)} ${why}`);
}
