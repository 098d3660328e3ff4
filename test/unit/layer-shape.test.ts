import { describe, expect, it } from 'vitest';
import { LayerShape } from '../../src/layers/layer-shape.js';
import type { EntryKind, LayerEntry } from '../../src/model/entry.js';

function entry(kind: EntryKind, path: string, linkTarget?: string): LayerEntry {
  return { mode: 0o644, uid: 0, gid: 0, size: 0, path, kind, ...(linkTarget ? { linkTarget } : {}) };
}

/** The refusal applying these entries in order meets, or 'applies'. */
function apply(...entries: LayerEntry[]): string {
  const shape = new LayerShape();
  try {
    for (const one of entries) shape.add(one);
    return 'applies';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('LayerShape: what the engines refuse within one layer', () => {
  it('applies a plain layer, its entries in any order, parents made on the way', () => {
    expect(apply(entry('dir', '/etc'), entry('file', '/etc/hosts'), entry('file', '/usr/bin/env'), entry('dir', '/usr'), entry('symlink', '/bin', 'usr/bin'))).toBe('applies');
  });

  it('a directory replaced by a file: what comes next in that directory lies under a file', () => {
    expect(apply(entry('dir', '/a'), entry('file', '/a/x'), entry('file', '/a'), entry('file', '/a/y'))).toMatch(/^entry "\/a\/y" lies under "\/a", which this same layer made a file/);
    // A hard link replacing it, to a file inside it: the last directory looked at was the one replaced.
    expect(apply(entry('dir', '/a'), entry('file', '/a/t'), entry('hardlink', '/a', '/a/t'), entry('file', '/a/y'))).toMatch(/^entry "\/a\/y" lies under "\/a", which this same layer made a file/);
    // Nothing was under it: replaced, and nothing more to check.
    expect(apply(entry('dir', '/a'), entry('file', '/a'), entry('file', '/b'))).toBe('applies');
  });

  it('a directory entry under a directory a later entry replaces', () => {
    expect(apply(entry('dir', '/a'), entry('dir', '/a/b'), entry('file', '/a/b/c'), entry('symlink', '/a', '/x'))).toMatch(/^entry "\/a\/b" is a directory entry under "\/a"/);
    // Made only as a parent (no entry of its own), it goes with its directory.
    expect(apply(entry('file', '/a/b/c'), entry('symlink', '/a', '/x'), entry('dir', '/a2'))).toBe('applies');
  });

  it('under a symlink, under a whiteout, a whiteout of its own path, opaque markers, hard links to directories', () => {
    expect(apply(entry('symlink', '/lib', 'usr/lib'), entry('file', '/lib/x'))).toMatch(/lies under "\/lib", a symbolic link/);
    expect(apply(entry('whiteout', '/a'), entry('file', '/a/x'))).toMatch(/lies under "\/a", which this same layer whited out/);
    expect(apply(entry('file', '/a'), entry('whiteout', '/a'))).toMatch(/^entry "\/a" is a whiteout of a path this same layer made/);
    expect(apply(entry('opaque', '/d'), entry('file', '/d/x'))).toBe('applies');
    expect(apply(entry('file', '/d/x'), entry('opaque', '/d'))).toMatch(/is an opaque marker that comes after entries/);
    expect(apply(entry('file', '/d'), entry('opaque', '/d'))).toMatch(/opaque marker for a path this same layer made a file/);
    expect(apply(entry('dir', '/d'), entry('hardlink', '/l', '/d'))).toMatch(/is a hard link to "\/d", a directory/);
    expect(apply(entry('file', '/f'), entry('hardlink', '/l', '/f'))).toBe('applies');
  });
});
