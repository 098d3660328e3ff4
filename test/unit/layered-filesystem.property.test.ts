import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayeredFilesystem } from '../../src/analysis/layered-filesystem.js';
import type { LayerEntry } from '../../src/model/entry.js';
import { dir, file, hardlink, opaque, symlink, whiteout } from '../support/entries.js';
import { referenceModel } from '../support/reference-model.js';

// A small namespace so that random layers collide often: overwrites, deletions, files over directories and back.
const PATHS = ['/a', '/b', '/a/x', '/a/y', '/a/x/1', '/a/x/2', '/b/x', '/b/x/1', '/c', '/c/d/e'];
const path = fc.constantFrom(...PATHS);

const operation: fc.Arbitrary<LayerEntry> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(path, fc.integer({ min: 0, max: 1000 }), fc.constantFrom(0o644, 0o755)).map(([p, size, mode]) => file(p, size, mode)) },
  { weight: 2, arbitrary: path.map((p) => dir(p)) },
  { weight: 1, arbitrary: fc.tuple(path, path).map(([p, t]) => symlink(p, t)) },
  { weight: 2, arbitrary: fc.tuple(path, path).map(([p, t]) => hardlink(p, t)) },
  { weight: 2, arbitrary: path.map((p) => whiteout(p)) },
  { weight: 1, arbitrary: fc.constantFrom('/', '/a', '/b', '/a/x', '/c').map((p) => opaque(p)) },
);

/** A hard link in a real tar names a file written earlier in the same layer; drop the ones that would not. */
function realisticLayer(entries: LayerEntry[]): LayerEntry[] {
  const files = new Set<string>();
  return entries.filter((entry) => {
    if (entry.kind === 'file') files.add(entry.path);
    return entry.kind !== 'hardlink' || (files.has(entry.linkTarget!) && entry.linkTarget !== entry.path);
  });
}

const layers = fc.array(fc.array(operation, { maxLength: 10 }).map(realisticLayer), { minLength: 1, maxLength: 6 });

describe('LayeredFilesystem against the naive reference model', () => {
  it('agrees on every hidden file, per layer and in total, and on what stays visible', () => {
    fc.assert(
      fc.property(layers, (stack) => {
        const fs = new LayeredFilesystem();
        for (const layer of stack) fs.applyLayer(layer);
        const reference = referenceModel(stack);
        const key = (h: { path: string; addedIn: number; hiddenIn: number; how: string; size: number }): string =>
          `${h.path}|${h.addedIn}|${h.hiddenIn}|${h.how}|${h.size}`;
        expect(fs.hiddenFiles().map(key).sort()).toEqual(reference.hidden.map(key).sort());

        const perLayer = (hidden: Array<{ addedIn: number; size: number }>): number[] =>
          stack.map((_, i) => hidden.filter((h) => h.addedIn === i).reduce((sum, h) => sum + h.size, 0));
        expect(perLayer(fs.hiddenFiles())).toEqual(perLayer(reference.hidden));

        const visible = [...fs.visibleEntries()].filter((e) => e.kind !== 'dir').map((e) => `${e.path}@${e.layer}`);
        const expected = [...reference.visible].filter(([, s]) => s.entry.kind !== 'dir').map(([p, s]) => `${p}@${s.layer}`);
        expect(visible.sort()).toEqual(expected.sort());
      }),
      { numRuns: 3000 },
    );
  });
});
