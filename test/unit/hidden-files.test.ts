import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HiddenFiles, causesOf, directoriesOf } from '../../src/analysis/hidden-files.js';
import type { HiddenFile } from '../../src/analysis/layered-filesystem.js';

// Few sizes and paths, so that ties (same size, same path, hidden by different layers) are common.
const hiddenFile: fc.Arbitrary<HiddenFile> = fc.record({
  path: fc.constantFrom('/a', '/b', '/a/x', '/B', '/é', '/a b'),
  size: fc.constantFrom(1, 2, 3, 1000),
  addedIn: fc.integer({ min: 0, max: 3 }),
  hiddenIn: fc.integer({ min: 1, max: 4 }),
  how: fc.constantFrom('overwritten' as const, 'deleted' as const, 'opaque' as const),
});

/** The order as first written: one stable sort of everything. */
function sortedAll(files: HiddenFile[]): HiddenFile[] {
  return files.slice().sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

describe('HiddenFiles', () => {
  it('lists every file largest first, then by path, ties in the order they were hidden', () => {
    fc.assert(
      fc.property(fc.array(hiddenFile, { maxLength: 40 }), (files) => {
        const hidden = new HiddenFiles(files);
        expect(hidden.all()).toEqual(sortedAll(files));
        expect(hidden.count).toBe(files.length);
        expect(hidden.inHidingOrder()).toEqual(files);
      }),
      { numRuns: 2000 },
    );
  });

  it('picks the n largest of those kept exactly as the full sort would, before and after it is done', () => {
    fc.assert(
      fc.property(fc.array(hiddenFile, { maxLength: 40 }), fc.integer({ min: 0, max: 45 }), fc.constantFrom(undefined, '/a', '/b'), (files, n, ignored) => {
        const keep = (file: HiddenFile): boolean => file.path !== ignored;
        const expected = sortedAll(files).filter(keep).slice(0, n);
        const hidden = new HiddenFiles(files);
        const picked = hidden.largest(n, keep);
        expect(picked).toEqual(expected);
        // Same objects, not copies: the ties are told apart by identity.
        picked.forEach((file, i) => expect(file).toBe(expected[i]));
        hidden.all();
        expect(hidden.largest(n, keep)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('serves repeated picks without a filter from its first one, in any order of sizes asked', () => {
    fc.assert(
      fc.property(fc.array(hiddenFile, { minLength: 1, maxLength: 150 }), fc.array(fc.integer({ min: 0, max: 160 }), { minLength: 1, maxLength: 4 }), (files, asks) => {
        const hidden = new HiddenFiles(files);
        for (const n of asks) expect(hidden.largest(n)).toEqual(sortedAll(files).slice(0, n));
      }),
      { numRuns: 1000 },
    );
  });

  it('sums bytes by the pair of layers that stored and hid them, pairs in the order they first occur', () => {
    fc.assert(
      fc.property(fc.array(hiddenFile, { maxLength: 40 }), (files) => {
        const expected: Array<{ addedIn: number; hiddenIn: number; bytes: number }> = [];
        for (const file of files) {
          const pair = expected.find((p) => p.addedIn === file.addedIn && p.hiddenIn === file.hiddenIn);
          if (pair) pair.bytes += file.size;
          else expected.push({ addedIn: file.addedIn, hiddenIn: file.hiddenIn, bytes: file.size });
        }
        expect(new HiddenFiles(files).pairs).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('never hands out its own list to be sorted or spliced by a caller', () => {
    const files: HiddenFile[] = [
      { path: '/x', size: 1, addedIn: 0, hiddenIn: 1, how: 'deleted' },
      { path: '/y', size: 2, addedIn: 0, hiddenIn: 1, how: 'deleted' },
    ];
    const hidden = new HiddenFiles(files);
    hidden.all().reverse();
    expect(hidden.all().map((file) => file.path)).toEqual(['/y', '/x']);
  });
});

describe('hidden bytes by cause and by directory', () => {
  const hidden = (path: string, size: number, addedIn = 1, hiddenIn = 2, how: HiddenFile['how'] = 'deleted'): HiddenFile => ({ path, size, addedIn, hiddenIn, how });

  it('causes: bytes and files by (stored, hidden, how), largest first, each with its largest file', () => {
    const files = [hidden('/a/1', 10), hidden('/a/2', 30), hidden('/b', 25, 1, 2, 'overwritten'), hidden('/c', 5, 0, 2)];
    expect(causesOf(files).map(({ addedIn, hiddenIn, how, bytes, files: count, largest }) => [addedIn, hiddenIn, how, bytes, count, largest.path])).toEqual([
      [1, 2, 'deleted', 40, 2, '/a/2'],
      [1, 2, 'overwritten', 25, 1, '/b'],
      [0, 2, 'deleted', 5, 1, '/c'],
    ]);
  });

  it('directories: totals over everything below; no /, no pass-through parents, no directory inside one picked', () => {
    const files = [
      ...Array.from({ length: 40 }, (_, i) => hidden(`/var/lib/apt/lists/list-${i}`, 1000)),
      ...Array.from({ length: 30 }, (_, i) => hidden(`/usr/share/doc/pkg-${i % 3}/f-${i}`, 500, 1, 3)),
      hidden('/data/big', 20_000, 2, 4),
      hidden('/data/small', 5000, 2, 4),
      hidden('/top', 99_999),
    ];
    expect(directoriesOf(files, 10)).toEqual([
      { path: '/data', bytes: 25_000, files: 2, addedIn: [2], hiddenIn: [4] },
      { path: '/var/lib/apt/lists', bytes: 40_000, files: 40, addedIn: [1], hiddenIn: [2] },
      { path: '/usr/share/doc', bytes: 15_000, files: 30, addedIn: [1], hiddenIn: [3] },
    ].sort((a, b) => b.bytes - a.bytes));
    expect(new HiddenFiles(files).directories(1)).toEqual([{ path: '/var/lib/apt/lists', bytes: 40_000, files: 40, addedIn: [1], hiddenIn: [2] }]);
  });

  it('a directory whose bytes are nearly all one file is that file, not a directory row', () => {
    expect(directoriesOf([hidden('/data/big', 20_000), hidden('/data/small', 100)], 10)).toEqual([]);
  });
});
