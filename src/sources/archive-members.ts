import { posix } from 'node:path';
import { InputError } from '../errors.js';

/**
 * The members of an image archive as `docker load` sees them. The classic (graphdriver) store extracts the
 * archive into a directory first (moby image/tarexport/load.go → chrootarchive.Untar → pkg/archive Unpack,
 * inside a chroot), then opens `manifest.json`, each `Config` and each layer through
 * symlink.FollowSymlinkInScope. So, modelled here member by member:
 *
 * - A name is cleaned (filepath.Clean); a leading `/` is the root; a name that climbs out of the root is a
 *   breakout, and Docker refuses the whole archive.
 * - A later member replaces an earlier one of the same path (os.RemoveAll, then create), except that a
 *   directory over a directory merges. So a member that is first a symlink and then a file is a file.
 * - Parent directories are created as needed; a parent that is a symlink is followed (in the chroot: an
 *   absolute target starts at the archive's root, `..` stops there).
 * - A hard link is to the file its target names at that moment (os.Link): replacing the target later does
 *   not change it. A link to a missing path or a directory fails the load.
 * - Reading a path follows every symlink in it, the last one too, within the archive's root (at most 255).
 *   What is read must be a regular file: a directory, FIFO or device is refused with one line (Docker
 *   would fail, hang on the FIFO, or read a device without end).
 *
 * containerd's importer (Docker with the containerd image store) reads the same stream without
 * extracting it; where its answer matters it is kept beside (`lastRegular`: the last regular member of each
 * path.Clean'd name, which is how it finds index.json, oci-layout and manifest.json).
 */

export interface FileNode {
  kind: 'file';
  /** How a LayerRef and a LayerBlob name this member: its path, with its ordinal when the path repeats. */
  key: string;
  path: string;
  /** Where its body starts in the archive, and its size. */
  start: number;
  size: number;
  /** Its bytes, for a member kept while the archive streamed past (JSON documents of an unseekable stream). */
  bytes?: Buffer;
  /** Set once the body has passed and was too large, or not JSON, to keep. */
  dropped?: boolean;
}

type Node =
  | FileNode
  | { kind: 'dir'; children: Map<string, Node> }
  | { kind: 'symlink'; target: string }
  | { kind: 'special'; what: string };

const MAX_LINKS = 255; // moby/sys/symlink's limit

type Dir = Node & { kind: 'dir' };

const newDir = (): Dir => ({ kind: 'dir', children: new Map() });

/** What Docker's extraction does to one member, and how the archive's paths resolve afterwards. */
export class ArchiveMembers {
  private readonly root = newDir();
  private readonly seen = new Map<string, number>();
  /** containerd: the last regular member of each cleaned name. */
  readonly lastRegular = new Map<string, FileNode>();
  /** containerd: the regular members named exactly `oci-layout`, in order (each is decoded into one value). */
  readonly ociLayouts: FileNode[] = [];
  /** Every file node, in archive order (for a stream: to know which bodies to keep). */
  readonly files: FileNode[] = [];

  constructor(private readonly label: string) {}

  /** Record one member; returns the file node when it is a regular file (its body may be kept or handed on). */
  add(name: string, type: string | null, linkname: string | null, start: number, size: number): FileNode | undefined {
    const containerdName = posix.normalize(name) === '.' ? '.' : posix.normalize(name).replace(/\/$/, '');
    const parts = this.parts(name);
    if (parts === undefined) throw new InputError(`${this.label}: member ${JSON.stringify(name)} points outside the archive (docker load refuses it)`);
    if (parts.length === 0) return undefined; // the root itself
    const parent = this.mkdirs(parts.slice(0, -1));
    const base = parts[parts.length - 1]!;
    const existing = parent.children.get(base);
    let node: Node;
    switch (type) {
      case 'directory':
        if (existing?.kind === 'dir') return undefined;
        node = newDir();
        break;
      case 'symlink':
        node = { kind: 'symlink', target: linkname ?? '' };
        break;
      case 'link': {
        const target = this.lookup(this.parts(linkname ?? ''), false);
        if (target === undefined || target.kind === 'dir') throw new InputError(`${this.label}: member ${JSON.stringify(name)} is a hard link to ${JSON.stringify(linkname)}, which ${target ? 'is a directory' : 'does not exist'} (docker load refuses it)`);
        node = target;
        break;
      }
      case 'file':
      case 'contiguous-file': {
        const path = parts.join('/');
        const ordinal = (this.seen.get(path) ?? 0) + 1;
        this.seen.set(path, ordinal);
        const file: FileNode = { kind: 'file', key: ordinal === 1 ? path : `${path} (member ${ordinal})`, path, start, size };
        this.files.push(file);
        this.lastRegular.set(containerdName, file);
        if (containerdName === 'oci-layout') this.ociLayouts.push(file);
        node = file;
        break;
      }
      default:
        node = { kind: 'special', what: type ?? 'an unknown type' };
    }
    parent.children.set(base, node);
    return node.kind === 'file' && type !== 'link' ? node : undefined;
  }

  /**
   * The regular file a path names after extraction, following symlinks in scope; undefined when nothing is
   * there. Anything else there is refused with one line naming the path.
   */
  resolve(path: string): FileNode | undefined {
    const parts = this.parts(path);
    // FollowSymlinkInScope refuses a path that is outside the root before it looks at anything.
    if (parts === undefined) throw new InputError(`${this.label}: ${path} points outside the archive`);
    const node = this.lookup(parts, true);
    if (node === undefined) return undefined;
    if (node.kind === 'file') return node;
    const what = node.kind === 'dir' ? 'a directory' : node.kind === 'special' ? `a ${node.what}` : 'a symlink';
    throw new InputError(`${this.label}: ${path} is ${what}, not a file`);
  }

  /** A member name as path components from the root; undefined when it climbs out of the root. */
  private parts(name: string): string[] | undefined {
    const parts: string[] = [];
    for (const part of name.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (parts.length === 0) return undefined;
        parts.pop();
      } else parts.push(part);
    }
    return parts;
  }

  /** Create the directories of `parts` as MkdirAll does, following symlinks among them. */
  private mkdirs(parts: string[]): Dir {
    let dir = this.root;
    for (let i = 0; i < parts.length; i++) {
      const child = dir.children.get(parts[i]!);
      if (child === undefined) {
        const made = newDir();
        dir.children.set(parts[i]!, made);
        dir = made;
      } else if (child.kind === 'dir') dir = child;
      else if (child.kind === 'symlink') {
        const target = this.lookup(this.parts(parts.slice(0, i + 1).join('/')) ?? [], true);
        if (target?.kind !== 'dir') throw new InputError(`${this.label}: member path ${parts.join('/')} goes through ${parts.slice(0, i + 1).join('/')}, which is not a directory (docker load refuses it)`);
        dir = target;
      } else throw new InputError(`${this.label}: member path ${parts.join('/')} goes through ${parts.slice(0, i + 1).join('/')}, which is not a directory (docker load refuses it)`);
    }
    return dir;
  }

  /** Walk components from the root, following symlinks (the last one only when `followLast`), within the root. */
  private lookup(parts: string[] | undefined, followLast: boolean): Node | undefined {
    if (parts === undefined) return undefined;
    let links = 0;
    const pending = [...parts].reverse();
    const stack: Dir[] = [this.root];
    let node: Node = this.root;
    while (pending.length > 0) {
      const part = pending.pop()!;
      const dir = stack[stack.length - 1]!;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (stack.length > 1) stack.pop();
        node = stack[stack.length - 1]!;
        continue;
      }
      const child = dir.children.get(part);
      if (child === undefined) return undefined;
      if (child.kind === 'symlink' && (pending.length > 0 || followLast)) {
        if (++links > MAX_LINKS) throw new InputError(`${this.label}: too many symlinks resolving ${parts.join('/')}`);
        if (child.target.startsWith('/')) stack.length = 1;
        pending.push(...child.target.split('/').reverse());
        node = stack[stack.length - 1]!;
        continue;
      }
      node = child;
      if (pending.length > 0) {
        if (child.kind !== 'dir') return undefined;
        stack.push(child);
      }
    }
    return node;
  }
}
