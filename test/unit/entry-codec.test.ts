import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntries, encodeEntries } from '../../src/layers/entry-codec.js';
import type { EntryKind, LayerEntry } from '../../src/model/entry.js';

const KINDS: EntryKind[] = ['file', 'dir', 'symlink', 'hardlink', 'other', 'whiteout', 'opaque'];

const entry: fc.Arbitrary<LayerEntry> = fc
  .record({
    path: fc.string({ unit: 'grapheme', maxLength: 300 }).map((name) => '/' + name),
    kind: fc.constantFrom(...KINDS),
    size: fc.oneof(fc.nat(), fc.constant(2 ** 53 - 1), fc.constant(0)),
    mode: fc.nat({ max: 0o7777 }),
    uid: fc.oneof(fc.nat({ max: 65535 }), fc.constant(2 ** 40)),
    gid: fc.nat(),
    linkTarget: fc.option(fc.string({ unit: 'grapheme', maxLength: 200 }), { nil: undefined }),
    content: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
  })
  .map(({ linkTarget, content, ...rest }) => {
    const made: LayerEntry = { ...rest };
    if (linkTarget !== undefined) made.linkTarget = linkTarget;
    if (content !== undefined) made.content = Buffer.from(content);
    return made;
  });

describe('layer entries packed to cross between threads', () => {
  it('come back exactly as they went', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), (entries) => {
        const encoded = encodeEntries(entries);
        expect(encoded.count).toBe(entries.length);
        expect(decodeEntries(encoded)).toEqual(entries);
      }),
    );
  });

  it('grow past their first buffer, and survive a copy of the bytes (as postMessage makes one)', () => {
    const entries: LayerEntry[] = Array.from({ length: 5000 }, (_, i) => ({
      mode: 0o644,
      uid: i,
      gid: 0,
      size: i * 1000,
      path: `/usr/share/${'deep/'.repeat(i % 40)}file-${i}-ü`,
      kind: 'file',
      ...(i % 7 === 0 ? { content: Buffer.from(`content ${i}`) } : {}),
    }));
    const encoded = encodeEntries(entries);
    const copied = { count: encoded.count, bytes: new Uint8Array(encoded.bytes), contents: encoded.contents.map((bytes) => new Uint8Array(bytes)) };
    expect(decodeEntries(copied)).toEqual(entries);
  });
});
