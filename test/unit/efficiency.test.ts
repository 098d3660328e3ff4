import { describe, expect, it } from 'vitest';
import { LayeredFilesystem } from '../../src/analysis/layered-filesystem.js';
import type { LayerEntry } from '../../src/model/entry.js';
import { dir, file, opaque, whiteout } from '../support/entries.js';

function score(...layers: LayerEntry[][]): number {
  const fs = new LayeredFilesystem();
  for (const layer of layers) fs.applyLayer(layer);
  return fs.efficiency();
}

// Expected values worked out by hand from dive's filetree/efficiency.go:
// score = sum over leaf paths of the smallest size seen / sum of all sizes seen.
describe('dive efficiency score', () => {
  it('is 1 for an image without repeats', () => {
    expect(score([dir('/etc'), file('/etc/a', 10)], [file('/b', 5)])).toBe(1);
  });

  it('is 1 for an image with no bytes at all', () => {
    expect(score([dir('/empty')])).toBe(1);
  });

  it('charges an overwrite the larger copy and a deleted file its whole size', () => {
    // /etc/conf: 100 + 30, min 30; /bin/sh: 50 + 0 (whiteout of a file counts 0), min 0.
    const s = score([dir('/etc'), file('/etc/conf', 100), dir('/bin'), file('/bin/sh', 50)], [file('/etc/conf', 30)], [whiteout('/bin/sh')]);
    expect(s).toBeCloseTo(30 / 180, 12);
  });

  it('counts a whiteout of a directory as the bytes it deletes, as dive does', () => {
    // /d/a 10, /d/b 20, and /d (the whiteout) 30 seen once: dive scores this 1.
    expect(score([dir('/d'), file('/d/a', 10), file('/d/b', 20)], [whiteout('/d')])).toBe(1);
  });

  it('ignores opaque markers, like dive (issue #685)', () => {
    expect(score([dir('/c'), file('/c/x', 40)], [dir('/c'), opaque('/c')])).toBe(1);
  });

  it('only counts leaves: a directory with children in a layer is not a path of its own', () => {
    // layer 0: /x is an empty directory, a leaf of size 0; layer 1: /x/f makes /x an inner node.
    expect(score([dir('/x')], [file('/x/f', 8)])).toBe(1);
    // /p a file (8) in layer 0, an empty directory (0) in layer 1: min 0 over cumulative 8.
    expect(score([file('/p', 8)], [dir('/p')])).toBe(0);
  });
});
