import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayeredFilesystem } from '../../src/analysis/layered-filesystem.js';
import { parentPath } from '../../src/layers/entries.js';
import type { LayerEntry } from '../../src/model/entry.js';
import { dir, file, hardlink, opaque, symlink, whiteout } from '../support/entries.js';

/** What dive counts for a whiteout: the visible file bytes of the directory it deletes, 0 for anything else. */
function deletedBytes(fs: LayeredFilesystem, path: string): number {
  if (path !== '/' && fs.lookup(path)?.kind !== 'dir') return 0;
  let bytes = 0;
  for (const entry of fs.visibleEntries(path)) if (entry.kind === 'file') bytes += entry.size;
  return bytes;
}

/** The score as first written: plain maps of path strings, one pass per question. The fast one must agree. */
function naiveScore(stack: LayerEntry[][]): number {
  const fs = new LayeredFilesystem();
  const paths = new Map<string, { cumulative: number; minimum: number }>();
  for (const entries of stack) {
    const inner = new Set<string>();
    for (const entry of entries) {
      let d = entry.kind === 'opaque' ? entry.path : parentPath(entry.path);
      while (!inner.has(d)) {
        inner.add(d);
        if (d === '/') break;
        d = parentPath(d);
      }
    }
    const leaves = new Map<string, number>();
    for (const entry of entries) {
      if (entry.kind === 'opaque') leaves.set(entry.path === '/' ? '/.wh..opq' : entry.path + '/.wh..opq', 0);
      else if (!inner.has(entry.path)) {
        leaves.set(entry.path, entry.kind === 'whiteout' ? deletedBytes(fs, entry.path) : entry.size);
      }
    }
    for (const [path, size] of leaves) {
      const seen = paths.get(path);
      if (seen) {
        seen.cumulative += size;
        seen.minimum = Math.min(seen.minimum, size);
      } else paths.set(path, { cumulative: size, minimum: size });
    }
    fs.applyLayer(entries);
  }
  let minimum = 0;
  let cumulative = 0;
  for (const seen of paths.values()) {
    minimum += seen.minimum;
    cumulative += seen.cumulative;
  }
  return cumulative === 0 ? 1 : minimum / cumulative;
}

const PATHS = ['/', '/a', '/b', '/a/x', '/a/y', '/a/x/1', '/a/x/2', '/b/x', '/b/x/1', '/c', '/c/d/e', '/ab', '/a/xy'];
const path = fc.constantFrom(...PATHS);
const entry: fc.Arbitrary<LayerEntry> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(path, fc.integer({ min: 0, max: 1000 })).map(([p, size]) => file(p, size)) },
  { weight: 3, arbitrary: path.map((p) => dir(p)) },
  { weight: 1, arbitrary: fc.tuple(path, path).map(([p, t]) => symlink(p, t)) },
  { weight: 1, arbitrary: fc.tuple(path, path).map(([p, t]) => hardlink(p, t)) },
  { weight: 2, arbitrary: path.map((p) => whiteout(p)) },
  // A member named just ".wh." reads as a whiteout of its own directory ("/" or "/a/"): hostile, but it must not skew the score.
  { weight: 1, arbitrary: fc.constantFrom('/', '/a/').map((p) => whiteout(p)) },
  { weight: 1, arbitrary: path.map((p) => opaque(p)) },
);

describe('dive efficiency score, fast path', () => {
  it('agrees with the naive computation on random stacks (repeats in a layer, entries out of tree order)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(entry, { maxLength: 14 }), { minLength: 1, maxLength: 6 }), (stack) => {
        const fs = new LayeredFilesystem();
        for (const layer of stack) fs.applyLayer(layer);
        expect(fs.efficiency()).toBe(naiveScore(stack));
      }),
      { numRuns: 3000 },
    );
  });

  it('grows past its first allocation', () => {
    const layer = Array.from({ length: 5000 }, (_, i) => file(`/f${i}`, i));
    const fs = new LayeredFilesystem();
    for (const l of [layer, layer.map((e) => file(e.path, 1))]) fs.applyLayer(l);
    expect(fs.efficiency()).toBe(naiveScore([layer, layer.map((e) => file(e.path, 1))]));
  });
});
