import { describe, expect, it } from 'vitest';
import { LayeredFilesystem } from '../../src/analysis/layered-filesystem.js';
import type { LayerEntry } from '../../src/model/entry.js';
import { dir, file, hardlink, opaque, symlink, whiteout } from '../support/entries.js';
import { referenceModel } from '../support/reference-model.js';

function stack(...layers: LayerEntry[][]): LayeredFilesystem {
  const fs = new LayeredFilesystem();
  for (const layer of layers) fs.applyLayer(layer);
  return fs;
}

function sorted<T extends { path: string; addedIn: number }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.path.localeCompare(b.path) || a.addedIn - b.addedIn);
}

/** Every case is checked against the naive reference model as well as against the literal expectation. */
function expectHidden(layers: LayerEntry[][], expected: Array<{ path: string; size: number; addedIn: number; hiddenIn: number; how: string }>): LayeredFilesystem {
  const fs = stack(...layers);
  expect(sorted(fs.hiddenFiles())).toEqual(sorted(expected));
  expect(sorted(referenceModel(layers).hidden)).toEqual(sorted(expected));
  return fs;
}

describe('LayeredFilesystem', () => {
  it('hides an overwritten file once: the kept copy is not waste (dive #684)', () => {
    const fs = expectHidden(
      [[dir('/etc'), file('/etc/conf', 100)], [file('/etc/conf', 30)]],
      [{ path: '/etc/conf', size: 100, addedIn: 0, hiddenIn: 1, how: 'overwritten' }],
    );
    expect(fs.lookup('/etc/conf')).toMatchObject({ kind: 'file', size: 30, layer: 1 });
  });

  it('counts a chmod copy-up: the whole lower file is hidden', () => {
    expectHidden([[file('/bin/tool', 5000, 0o644)], [file('/bin/tool', 5000, 0o755)]], [
      { path: '/bin/tool', size: 5000, addedIn: 0, hiddenIn: 1, how: 'overwritten' },
    ]);
  });

  it('hides a file deleted by a whiteout', () => {
    const fs = expectHidden(
      [[dir('/var/lib/apt/lists'), file('/var/lib/apt/lists/a', 700), file('/var/lib/apt/lists/b', 300)], [whiteout('/var/lib/apt/lists/a')]],
      [{ path: '/var/lib/apt/lists/a', size: 700, addedIn: 0, hiddenIn: 1, how: 'deleted' }],
    );
    expect(fs.lookup('/var/lib/apt/lists/a')).toBeUndefined();
    expect(fs.lookup('/var/lib/apt/lists/b')).toMatchObject({ size: 300 });
  });

  it('hides a whole directory deleted by one whiteout, at any depth', () => {
    expectHidden(
      [[dir('/d'), dir('/d/sub'), file('/d/sub/x', 10), file('/d/y', 20)], [file('/d/sub/z', 5)], [whiteout('/d')]],
      [
        { path: '/d/sub/x', size: 10, addedIn: 0, hiddenIn: 2, how: 'deleted' },
        { path: '/d/y', size: 20, addedIn: 0, hiddenIn: 2, how: 'deleted' },
        { path: '/d/sub/z', size: 5, addedIn: 1, hiddenIn: 2, how: 'deleted' },
      ],
    );
  });

  it('hides everything below an opaque directory from lower layers, but keeps the same layer\'s new files (dive #685)', () => {
    const fs = expectHidden(
      [[dir('/cache'), file('/cache/old1', 40), file('/cache/old2', 60)], [dir('/cache'), file('/cache/new', 7), opaque('/cache')]],
      [
        { path: '/cache/old1', size: 40, addedIn: 0, hiddenIn: 1, how: 'opaque' },
        { path: '/cache/old2', size: 60, addedIn: 0, hiddenIn: 1, how: 'opaque' },
      ],
    );
    expect(fs.lookup('/cache/new')).toMatchObject({ size: 7, layer: 1 });
  });

  it('whiteouts and opaque markers act only on lower layers, whatever their order in the tar', () => {
    const fs = expectHidden(
      [[dir('/w'), file('/w/old', 5)], [file('/w/new', 3), opaque('/w'), file('/gone', 4), whiteout('/gone')]],
      [{ path: '/w/old', size: 5, addedIn: 0, hiddenIn: 1, how: 'opaque' }],
    );
    expect(fs.lookup('/w/new')).toMatchObject({ size: 3 });
    expect(fs.lookup('/gone')).toMatchObject({ size: 4, layer: 1 });
  });

  it('hides a directory\'s contents when a later layer replaces the directory with a file', () => {
    const fs = expectHidden(
      [[dir('/opt'), dir('/opt/app'), file('/opt/app/lib.so', 900)], [file('/opt/app', 12)]],
      [{ path: '/opt/app/lib.so', size: 900, addedIn: 0, hiddenIn: 1, how: 'overwritten' }],
    );
    expect(fs.lookup('/opt/app')).toMatchObject({ kind: 'file', size: 12 });
  });

  it('hides a file replaced by a directory, and a file replaced by a symlink', () => {
    expectHidden(
      [[file('/x', 50), file('/y', 70)], [dir('/x'), file('/x/inner', 1), symlink('/y', '/x/inner')]],
      [
        { path: '/x', size: 50, addedIn: 0, hiddenIn: 1, how: 'overwritten' },
        { path: '/y', size: 70, addedIn: 0, hiddenIn: 1, how: 'overwritten' },
      ],
    );
  });

  it('keeps the lower contents when a directory is written again as a directory (only metadata changes)', () => {
    const fs = expectHidden([[dir('/srv'), file('/srv/a', 9)], [dir('/srv', 0o700), file('/srv/b', 1)]], []);
    expect(fs.lookup('/srv')).toMatchObject({ kind: 'dir', mode: 0o700, layer: 1 });
    expect(fs.lookup('/srv/a')).toMatchObject({ layer: 0 });
  });

  it('does not hide a file still reachable through a visible hard link of its own layer', () => {
    const fs = expectHidden([[file('/usr/bin/perl5.36', 4000), hardlink('/usr/bin/perl', '/usr/bin/perl5.36')], [whiteout('/usr/bin/perl5.36')]], []);
    expect(fs.lookup('/usr/bin/perl')).toMatchObject({ kind: 'hardlink', size: 4000 });
  });

  it('hides a hard-linked file once when both names are gone', () => {
    expectHidden([[file('/a', 4000), hardlink('/b', '/a')], [whiteout('/a'), whiteout('/b')]], [{ path: '/a', size: 4000, addedIn: 0, hiddenIn: 1, how: 'deleted' }]);
  });

  it('counts a duplicate entry inside one layer as hidden by that layer', () => {
    expectHidden([[file('/dup', 10), file('/dup', 20)]], [{ path: '/dup', size: 10, addedIn: 0, hiddenIn: 0, how: 'overwritten' }]);
  });

  it('attributes a file hidden twice to the first layer that hid it', () => {
    expectHidden(
      [[file('/f', 100)], [file('/f', 200)], [whiteout('/f')]],
      [
        { path: '/f', size: 100, addedIn: 0, hiddenIn: 1, how: 'overwritten' },
        { path: '/f', size: 200, addedIn: 1, hiddenIn: 2, how: 'deleted' },
      ],
    );
  });

  it('ignores a whiteout of a path that never existed', () => {
    expectHidden([[file('/a', 1)], [whiteout('/nope'), whiteout('/a/b')]], []);
  });

  it('lists the final filesystem in path order with each entry\'s layer', () => {
    const fs = stack([dir('/etc'), file('/etc/b', 2), file('/etc/a', 1)], [symlink('/etc/c', 'a'), whiteout('/etc/b')]);
    expect([...fs.visibleEntries()].map((e) => [e.path, e.kind, e.layer])).toEqual([
      ['/etc', 'dir', 0],
      ['/etc/a', 'file', 0],
      ['/etc/c', 'symlink', 1],
    ]);
  });

  it('handles a path thousands of directories deep without recursion', () => {
    const deep = '/' + Array.from({ length: 5000 }, (_, i) => `d${i}`).join('/');
    const fs = stack([file(deep + '/f', 11)], [whiteout('/d0')]);
    expect(fs.hiddenFiles()).toEqual([{ path: deep + '/f', size: 11, addedIn: 0, hiddenIn: 1, how: 'deleted' }]);
    expect([...fs.visibleEntries()]).toEqual([]);
  });
});
