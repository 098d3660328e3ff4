import type { LayerEntry } from '../model/entry.js';

/**
 * One path, for as long as the image has any layer naming it: a path that is deleted stays as a gone node
 * (a tombstone) and comes back to life when a later layer writes it again. Nothing below a gone node is
 * alive, so a lookup only has to check the node it ends on.
 */
export interface Node {
  parent: Node | undefined;
  /** By the child's whole path (the entry's own path string: no name string is cut out per entry). */
  children: Map<string, Node> | undefined;
  /** Undefined for a directory that exists only because something below it was written, and once gone. */
  entry: LayerEntry | undefined;
  layer: number;
  /** Not part of the visible filesystem now: deleted, overwritten, under an opaque dir, or never written. */
  gone: boolean;
  /** The path's row in the dive score, -1 until it is first a leaf of a layer. */
  row: number;
  /** The last layer that had an entry below this path (or made it opaque): then it is not a leaf of that layer. */
  innerIn: number;
}

export function newNode(parent: Node | undefined, entry: LayerEntry | undefined, layer: number, gone = false): Node {
  return { parent, children: undefined, entry, layer, gone, row: -1, innerIn: -1 };
}

/** A new node under `parent`, at `path` (its key there). */
export function addChild(parent: Node, path: string, entry: LayerEntry | undefined, layer: number, gone = false): Node {
  const node = newNode(parent, entry, layer, gone);
  (parent.children ??= new Map()).set(path, node);
  return node;
}

export function revive(node: Node, entry: LayerEntry | undefined, layer: number): void {
  node.entry = entry;
  node.layer = layer;
  node.gone = false;
}

/** Mark `node` and its ancestors as having something below them in `layer` (stops where an earlier entry of the layer got to). */
export function markInner(node: Node | undefined, layer: number): void {
  while (node !== undefined && node.innerIn !== layer) {
    node.innerIn = layer;
    node = node.parent;
  }
}

export function isDirNode(node: Node): boolean {
  return node.entry === undefined || node.entry.kind === 'dir';
}

/** Paths of the visible children, in name order (they share their directory's prefix). */
export function livePaths(children: Map<string, Node>): string[] {
  const paths: string[] = [];
  for (const [path, child] of children) if (!child.gone) paths.push(path);
  return paths.sort();
}

/** Bytes of the visible regular files at and below `start`. */
export function bytesUnder(start: Node): number {
  let total = 0;
  const stack = [start];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.entry?.kind === 'file') total += node.entry.size;
    if (node.children) for (const child of node.children.values()) if (!child.gone) stack.push(child);
  }
  return total;
}

/** The node of a path below `root`, visible or gone; with `create`, gone nodes are made for what the tree has never seen. */
export function nodeAt(root: Node, path: string, create: true): Node;
export function nodeAt(root: Node, path: string, create: boolean): Node | undefined;
export function nodeAt(root: Node, path: string, create: boolean): Node | undefined {
  if (path === '/') return root;
  // Component by component without split(): this runs for every deletion and hard link.
  let node: Node = root;
  let start = 1;
  for (;;) {
    const end = path.indexOf('/', start);
    const key = end === -1 ? path : path.slice(0, end);
    let child = node.children?.get(key);
    if (child === undefined) {
      if (!create) return undefined;
      child = addChild(node, key, undefined, -1, true);
    }
    if (end === -1) return child;
    node = child;
    start = end + 1;
  }
}
