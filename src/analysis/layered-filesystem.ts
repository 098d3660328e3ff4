import type { LayerEntry } from '../model/entry.js';

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

interface Node {
  name: string;
  parent: Node | undefined;
  children: Map<string, Node> | undefined;
  /** Undefined for a directory that exists only because something below it was written. */
  entry: LayerEntry | undefined;
  layer: number;
  /** Set once the node has been removed from the tree (deleted, overwritten, under an opaque dir). */
  gone: boolean;
}


interface HardLink {
  node: Node;
  entry: LayerEntry;
}

function newNode(name: string, parent: Node | undefined, entry: LayerEntry | undefined, layer: number): Node {
  return { name, parent, children: undefined, entry, layer, gone: false };
}

function isDirNode(node: Node): boolean {
  return node.entry === undefined || node.entry.kind === 'dir';
}

function components(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

/**
 * The union filesystem of an image, built bottom-up one layer at a time, as overlayfs shows it.
 * Whiteouts and opaque markers of a layer act on the layers below it only, so each layer is applied
 * in two steps: first its deletions, then its additions. Nothing is ever re-stacked: a deletion walks
 * only the subtree it removes.
 */
export class LayeredFilesystem {
  private readonly root = newNode('', undefined, undefined, -1);
  /** Hidden files as they are reported (before the hard-link rule). */
  private readonly hidden: HiddenFile[] = [];
  /** Hard links by "layer\0target path", to tell whether a hidden file's bytes are still reachable. */
  private readonly hardLinks = new Map<string, HardLink[]>();
  /** The file each hard link shares bytes with (resolved when the link is added: tar names an earlier entry). */
  private readonly linkTargets = new Map<LayerEntry, LayerEntry>();
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
    // Indexed loops: for-of allocates an iterator result per entry until the optimiser steps in, and a
    // layer can have 100,000 entries (memory per entry is what bounds a large image's audit).
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.kind === 'whiteout') this.delete(entry.path, layer);
      else if (entry.kind === 'opaque') this.makeOpaque(entry.path, layer);
    }
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.kind !== 'whiteout' && entry.kind !== 'opaque') this.add(entry, layer);
    }
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
      const names = [...node.children.keys()].sort().reverse();
      for (const name of names) stack.push({ node: node.children.get(name)!, path: path === '/' ? '/' + name : path + '/' + name });
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
    return [...node.children.keys()].sort().map((name) => this.describe(node.children!.get(name)!, path === '/' ? '/' + name : path + '/' + name));
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

  /** Bytes of regular files under a visible path (the path itself if it is a file); 0 if absent. */
  visibleBytesUnder(path: string): number {
    const start = this.find(path);
    if (!start) return 0;
    let total = 0;
    const stack = [start];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.entry?.kind === 'file') total += node.entry.size;
      if (node.children) for (const child of node.children.values()) stack.push(child);
    }
    return total;
  }

  isDirectory(path: string): boolean {
    const node = this.find(path);
    return node !== undefined && isDirNode(node);
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


  private find(path: string): Node | undefined {
    if (path === '/') return this.root;
    // Component by component without split(): this runs for every deletion and hard link.
    let node: Node | undefined = this.root;
    let start = 1;
    while (node) {
      const end = path.indexOf('/', start);
      if (end === -1) return node.children?.get(path.slice(start));
      node = node.children?.get(path.slice(start, end));
      start = end + 1;
    }
    return undefined;
  }

  private delete(path: string, layer: number): void {
    const node = this.find(path);
    if (!node || node === this.root) return;
    this.hide(node, layer, 'deleted');
    node.parent!.children!.delete(node.name);
  }

  private makeOpaque(path: string, layer: number): void {
    const node = this.find(path);
    if (!node || !isDirNode(node) || !node.children) return;
    for (const child of node.children.values()) this.hide(child, layer, 'opaque');
    node.children = undefined;
  }

  private add(entry: LayerEntry, layer: number): void {
    const path = entry.path;
    if (path === '/') {
      // The root directory's own entry ("./"): metadata only.
      this.root.entry = entry.kind === 'dir' ? entry : this.root.entry;
      return;
    }
    const slash = path.lastIndexOf('/');
    let parent: Node;
    const last = this.lastDirNode;
    if (last !== undefined && !last.gone && slash === this.lastDirPath.length && path.startsWith(this.lastDirPath)) {
      parent = last;
    } else {
      parent = this.root;
      for (let start = 1; start <= slash; ) {
        const end = path.indexOf('/', start);
        parent = this.directoryChild(parent, path.slice(start, end), layer);
        start = end + 1;
      }
      this.lastDirPath = path.slice(0, Math.max(slash, 0));
      this.lastDirNode = parent;
    }
    const name = path.slice(slash + 1);
    const existing = parent.children?.get(name);
    let node: Node;
    if (existing && entry.kind === 'dir' && isDirNode(existing)) {
      existing.entry = entry; // a directory over a directory merges; only its metadata changes
      existing.layer = layer;
      node = existing;
    } else {
      if (existing) this.hide(existing, layer, 'overwritten');
      node = newNode(name, parent, entry, layer);
      (parent.children ??= new Map()).set(name, node);
    }
    if (entry.kind === 'hardlink') {
      const target = this.find(entry.linkTarget!);
      if (target?.layer === layer && target.entry?.kind === 'file') this.linkTargets.set(entry, target.entry);
      const key = layer + '\0' + entry.linkTarget;
      const links = this.hardLinks.get(key);
      if (links) links.push({ node, entry });
      else this.hardLinks.set(key, [{ node, entry }]);
    }
  }

  /** The directory `name` under `parent`, created if missing; a non-directory there is overwritten by it. */
  private directoryChild(parent: Node, name: string, layer: number): Node {
    const existing = parent.children?.get(name);
    if (existing && isDirNode(existing)) return existing;
    if (existing) this.hide(existing, layer, 'overwritten');
    const node = newNode(name, parent, undefined, layer);
    (parent.children ??= new Map()).set(name, node);
    return node;
  }

  /** Mark a subtree removed and record every stored file in it as hidden by `layer`. */
  private hide(top: Node, layer: number, how: HiddenHow): void {
    if (!top.children) return this.hideOne(top, layer, how); // most often a single file: no stack
    const stack = [top];
    while (stack.length > 0) {
      const node = stack.pop()!;
      this.hideOne(node, layer, how);
      if (node.children) for (const child of node.children.values()) stack.push(child);
    }
  }

  private hideOne(node: Node, layer: number, how: HiddenHow): void {
    node.gone = true;
    const entry = node.entry;
    if (entry?.kind === 'file') this.hidden.push({ path: entry.path, size: entry.size, addedIn: node.layer, hiddenIn: layer, how });
  }

  private reachableThroughHardLink(file: HiddenFile): boolean {
    const links = this.hardLinks.get(file.addedIn + '\0' + file.path);
    return links !== undefined && links.some(({ node, entry }) => !node.gone && node.entry === entry);
  }
}
