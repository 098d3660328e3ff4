import type { LayerEntry } from '../model/entry.js';
import { DiveEfficiency } from './efficiency.js';
import { parentPath } from '../layers/entries.js';
import { addChild, bytesUnder, isDirNode, livePaths, markInner, newNode, nodeAt, revive, type Node } from './path-tree.js';

export type HiddenHow = 'overwritten' | 'deleted' | 'opaque';

/** A stored regular file that the final filesystem no longer shows: its bytes are shipped for nothing. */
export interface HiddenFile {
  path: string;
  size: number;
  /** Index of the layer that stored the bytes. */
  addedIn: number;
  /** Index of the first layer that hid them. */
  hiddenIn: number;
  how: HiddenHow;
}

/** One path of the final merged filesystem. */
export interface VisibleEntry {
  path: string;
  kind: LayerEntry['kind'];
  /** For a hard link, the size of the file it shares bytes with. */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
  /** Index of the layer the visible copy comes from; -1 for a directory no layer wrote an entry for. */
  layer: number;
  /** The file's bytes, when the reader captured them. */
  content?: Buffer;
}

interface HardLink {
  node: Node;
  entry: LayerEntry;
}

/** dive names an opaque marker as a leaf of its own; no entry of ours can have this name (it reads as a whiteout). */
const OPAQUE_LEAF = '.wh..opq';

/** Indexes of the whiteouts and opaque markers among a layer's entries. */
function deletionsOf(entries: readonly LayerEntry[]): number[] {
  const deletions: number[] = [];
  for (let i = 0; i < entries.length; i++) {
    const kind = entries[i]!.kind;
    if (kind === 'whiteout' || kind === 'opaque') deletions.push(i);
  }
  return deletions;
}

function components(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

/**
 * The union filesystem of an image, built bottom-up one layer at a time, as overlayfs shows it.
 * Whiteouts and opaque markers of a layer act on the layers below it only, so each layer is applied
 * in two steps: first its deletions, then its additions. Nothing is ever re-stacked: a deletion walks
 * only the subtree it removes.
 *
 * dive's efficiency score is kept on the same nodes: a path keeps its node (and so its row of sizes)
 * through deletions and rewrites, which spares a second map of every path the image ever had.
 */
export class LayeredFilesystem {
  private readonly root = newNode(undefined, undefined, -1);
  /** Hidden files as they are reported (before the hard-link rule). */
  private readonly hidden: HiddenFile[] = [];
  /** Hard links by "layer\0target path", to tell whether a hidden file's bytes are still reachable. */
  private readonly hardLinks = new Map<string, HardLink[]>();
  /** The file each hard link shares bytes with (resolved when the link is added: tar names an earlier entry). */
  private readonly linkTargets = new Map<LayerEntry, LayerEntry>();
  private readonly dive = new DiveEfficiency();
  private layers = 0;
  /**
   * The directory the previous addition went into, and its path: entries of a directory come one after
   * another in a layer tar, so most additions skip the walk from the root. Valid while the node is not gone.
   */
  private lastDirPath = '';
  private lastDirNode: Node | undefined;

  get layerCount(): number {
    return this.layers;
  }

  applyLayer(entries: readonly LayerEntry[]): void {
    const layer = this.layers++;
    this.lastDirNode = undefined;
    // The node each entry acted on, for the dive score once the whole layer is known.
    const nodes = new Array<Node>(entries.length);
    // Each pass over the entries is a function of its own: the optimiser compiles each loop on its own,
    // and a branch first taken in a later layer (deletions) only throws away the code of its own pass.
    const deletions = deletionsOf(entries);
    const deletedBytes = deletions.length > 0 ? this.applyDeletions(entries, deletions, nodes, layer) : undefined;
    this.applyAdditions(entries, nodes, layer);
    this.scoreLeaves(entries, nodes, deletedBytes, layer);
  }

  /**
   * A layer's whiteouts and opaque markers, which act on the layers below it only: applied before its
   * additions. Returns what dive counts for each whiteout.
   */
  private applyDeletions(entries: readonly LayerEntry[], deletions: readonly number[], nodes: Node[], layer: number): Map<number, number> {
    const deletedBytes = new Map<number, number>();
    // dive counts what a whiteout deletes as the layers below show it. Deletions of one layer that touch
    // each other would change that for one another: then it is measured for all of them first.
    const below = this.deletionsOverlap(entries, deletions) ? this.bytesEachWhiteoutDeletes(entries, deletions) : undefined;
    for (const i of deletions) {
      const entry = entries[i]!;
      if (entry.kind === 'opaque') {
        nodes[i] = this.makeOpaque(entry.path, layer);
        continue;
      }
      const { node, bytes } = this.delete(entry.path, layer);
      nodes[i] = node;
      deletedBytes.set(i, below ? below.get(i)! : bytes);
    }
    return deletedBytes;
  }

  private applyAdditions(entries: readonly LayerEntry[], nodes: Node[], layer: number): void {
    // Indexed loops: for-of allocates an iterator result per entry until the optimiser steps in, and a
    // layer can have 100,000 entries (memory per entry is what bounds a large image's audit).
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.kind !== 'whiteout' && entry.kind !== 'opaque') nodes[i] = this.add(entry, layer);
    }
  }

  /** dive's efficiency score of the layers applied so far. */
  efficiency(): number {
    return this.dive.score();
  }

  /**
   * What each whiteout deletes, for the dive score: the visible bytes of a directory, 0 for anything else.
   * Measured before the layer changes anything (an opaque marker earlier in the same layer must not count).
   */
  private bytesEachWhiteoutDeletes(entries: readonly LayerEntry[], deletions: readonly number[]): Map<number, number> {
    const bytes = new Map<number, number>();
    for (const i of deletions) {
      if (entries[i]!.kind !== 'whiteout') continue;
      const node = this.find(entries[i]!.path);
      bytes.set(i, node !== undefined && node !== this.root && isDirNode(node) ? bytesUnder(node) : 0);
    }
    return bytes;
  }

  /** Whether one of the layer's deletions (whiteouts, opaque markers) names a path another one names or is below. */
  private deletionsOverlap(entries: readonly LayerEntry[], deletions: readonly number[]): boolean {
    const paths = new Set<string>();
    for (const i of deletions) {
      const path = entries[i]!.path;
      if (paths.has(path)) return true;
      paths.add(path);
    }
    for (const path of paths) {
      for (let at = path; at !== '/'; ) {
        at = parentPath(at);
        if (paths.has(at)) return true;
      }
    }
    return false;
  }

  /** Record the layer's leaves (entries with nothing of the same layer below them) in the dive score. */
  private scoreLeaves(entries: readonly LayerEntry[], nodes: Node[], deletedBytes: Map<number, number> | undefined, layer: number): void {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const node = nodes[i]!;
      if (entry.kind === 'opaque') {
        this.recordLeaf(node, 0, layer);
      } else if (node.innerIn !== layer) {
        this.recordLeaf(node, entry.kind === 'whiteout' ? deletedBytes!.get(i)! : entry.size, layer);
      }
    }
  }

  private recordLeaf(node: Node, size: number, layer: number): void {
    if (node.row === -1) node.row = this.dive.newRow();
    this.dive.record(node.row, size, layer + 1);
  }

  /** Hidden files, after the hard-link rule: bytes still reachable through a visible hard link of their own layer are not hidden. */
  hiddenFiles(): HiddenFile[] {
    if (this.hardLinks.size === 0) return this.hidden.slice();
    return this.hidden.filter((file) => !this.reachableThroughHardLink(file));
  }

  lookup(path: string): VisibleEntry | undefined {
    const node = this.find(path);
    return node && node !== this.root ? this.describe(node, path) : undefined;
  }

  /**
   * Every visible path below `under` (default: the whole image), parents before children, siblings in name
   * order. Iterative: deep trees cannot overflow the stack.
   */
  *visibleEntries(under = '/'): Generator<VisibleEntry> {
    const stack: Array<{ node: Node; path: string }> = [];
    const pushChildren = (node: Node, path: string): void => {
      if (!node.children) return;
      const paths = livePaths(node.children).reverse();
      for (const child of paths) stack.push({ node: node.children.get(child)!, path: child });
    };
    const start = this.find(under);
    if (!start || !isDirNode(start)) return;
    pushChildren(start, under);
    while (stack.length > 0) {
      const { node, path } = stack.pop()!;
      yield this.describe(node, path);
      pushChildren(node, path);
    }
  }

  /** The visible entries directly inside a directory, in name order; empty when it is absent or not a directory. */
  listDirectory(path: string): VisibleEntry[] {
    const node = this.find(path);
    if (!node?.children || !isDirNode(node)) return [];
    return livePaths(node.children).map((child) => this.describe(node.children!.get(child)!, child));
  }

  /**
   * Follow symbolic links, as the kernel would inside the image (absolute targets from the image's root),
   * in every component of the path. Undefined for a dangling link or a loop.
   */
  resolve(path: string, maxLinks = 40): VisibleEntry | undefined {
    let pending = components(path);
    let resolved: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (name === '' || name === '.') continue;
      if (name === '..') {
        resolved.pop();
        continue;
      }
      const candidate = '/' + [...resolved, name].join('/');
      const entry = this.lookup(candidate);
      if (!entry) return undefined;
      if (entry.kind === 'symlink') {
        if (++links > maxLinks) return undefined;
        const target = entry.linkTarget ?? '';
        pending = [...target.split('/'), ...pending];
        if (target.startsWith('/')) resolved = [];
        continue;
      }
      resolved.push(name);
    }
    return resolved.length === 0 ? undefined : this.lookup('/' + resolved.join('/'));
  }

  private describe(node: Node, path: string): VisibleEntry {
    const entry = node.entry;
    if (!entry) return { path, kind: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, layer: node.layer };
    const visible: VisibleEntry = { path, kind: entry.kind, size: entry.size, mode: entry.mode, uid: entry.uid, gid: entry.gid, layer: node.layer };
    if (entry.linkTarget !== undefined) visible.linkTarget = entry.linkTarget;
    if (entry.content !== undefined) visible.content = entry.content;
    if (entry.kind === 'hardlink') visible.size = this.linkTargets.get(entry)?.size ?? 0;
    return visible;
  }


  /** The visible node of a path. */
  private find(path: string): Node | undefined {
    const node = nodeAt(this.root, path, false);
    return node?.gone ? undefined : node;
  }

  /**
   * A whiteout: hide what is visible at `path`. Returns the path's node (gone now) for the dive score, and
   * what dive counts for it: the bytes of the directory it deleted, 0 for anything else.
   */
  private delete(path: string, layer: number): { node: Node; bytes: number } {
    const node = nodeAt(this.root, path, true);
    let bytes = 0;
    // A member named ".wh." at the top names the root: nothing is deleted, and dive never counts it as a leaf.
    if (node !== this.root && !node.gone) {
      const directory = isDirNode(node);
      const hidden = this.hide(node, layer, 'deleted');
      if (directory) bytes = hidden;
    }
    markInner(node === this.root ? node : node.parent, layer); // for dive, "/" is its own parent
    return { node, bytes };
  }

  /** An opaque marker: hide everything below the directory. Returns the node of dive's leaf for the marker. */
  private makeOpaque(path: string, layer: number): Node {
    const dir = nodeAt(this.root, path, true);
    if (!dir.gone && isDirNode(dir) && dir.children) {
      for (const child of dir.children.values()) if (!child.gone) this.hide(child, layer, 'opaque');
    }
    markInner(dir, layer);
    return nodeAt(this.root, (path === '/' ? '' : path) + '/' + OPAQUE_LEAF, true);
  }

  /** Write an entry; returns its node. */
  private add(entry: LayerEntry, layer: number): Node {
    const path = entry.path;
    if (path === '/') {
      // The root directory's own entry ("./"): metadata only.
      this.root.entry = entry.kind === 'dir' ? entry : this.root.entry;
      markInner(this.root, layer); // for dive, "/" is its own parent: never a leaf
      return this.root;
    }
    const slash = path.lastIndexOf('/');
    let parent: Node;
    const last = this.lastDirNode;
    // Gone, or brought back as something else than a directory: walk from the root.
    if (last !== undefined && !last.gone && isDirNode(last) && slash === this.lastDirPath.length && path.startsWith(this.lastDirPath)) {
      parent = last;
    } else {
      parent = this.root;
      for (let start = 1; start <= slash; ) {
        const end = path.indexOf('/', start);
        parent = this.directoryChild(parent, path.slice(0, end), layer);
        start = end + 1;
      }
      this.lastDirPath = path.slice(0, Math.max(slash, 0));
      this.lastDirNode = parent;
    }
    let node = parent.children?.get(path);
    if (node === undefined) {
      node = addChild(parent, path, entry, layer);
    } else if (node.gone) {
      revive(node, entry, layer);
    } else if (entry.kind === 'dir' && isDirNode(node)) {
      node.entry = entry; // a directory over a directory merges; only its metadata changes
      node.layer = layer;
    } else {
      this.hide(node, layer, 'overwritten');
      revive(node, entry, layer);
    }
    markInner(parent, layer);
    if (entry.kind === 'hardlink') {
      const target = this.find(entry.linkTarget!);
      if (target?.layer === layer && target.entry?.kind === 'file') this.linkTargets.set(entry, target.entry);
      const key = layer + '\0' + entry.linkTarget;
      const links = this.hardLinks.get(key);
      if (links) links.push({ node, entry });
      else this.hardLinks.set(key, [{ node, entry }]);
    }
    return node;
  }

  /** The directory at `path` under `parent`, created if missing; a non-directory there is overwritten by it. */
  private directoryChild(parent: Node, path: string, layer: number): Node {
    const existing = parent.children?.get(path);
    if (existing === undefined) return addChild(parent, path, undefined, layer);
    if (!existing.gone && isDirNode(existing)) return existing;
    if (!existing.gone) this.hide(existing, layer, 'overwritten');
    revive(existing, undefined, layer);
    return existing;
  }

  /** Mark a visible subtree gone and record every stored file in it as hidden by `layer`; returns their bytes. */
  private hide(top: Node, layer: number, how: HiddenHow): number {
    if (!top.children) return this.hideOne(top, layer, how); // most often a single file: no stack
    let bytes = 0;
    const stack = [top];
    while (stack.length > 0) {
      const node = stack.pop()!;
      bytes += this.hideOne(node, layer, how);
      if (node.children) for (const child of node.children.values()) if (!child.gone) stack.push(child);
    }
    return bytes;
  }

  private hideOne(node: Node, layer: number, how: HiddenHow): number {
    node.gone = true;
    const entry = node.entry;
    node.entry = undefined; // a tombstone keeps its place, not the bytes' description
    if (entry?.kind !== 'file') return 0;
    this.hidden.push({ path: entry.path, size: entry.size, addedIn: node.layer, hiddenIn: layer, how });
    return entry.size;
  }

  private reachableThroughHardLink(file: HiddenFile): boolean {
    const links = this.hardLinks.get(file.addedIn + '\0' + file.path);
    return links !== undefined && links.some(({ node, entry }) => !node.gone && node.entry === entry);
  }
}
