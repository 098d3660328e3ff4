import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TarParser, type TarHeader } from '../../src/layers/tar-parser.js';
import { generatedTar } from '../differential/tar-cases.ts';

/**
 * The parser's own invariants. What it reads is checked against Go's archive/tar itself, on thousands of
 * generated and mutated tars, in test/differential/tar-parser-go.test.ts; here: the same result whatever
 * the chunk boundaries and memory alignment, and positions for stepping over bodies.
 */

type Seen = { header: Omit<TarHeader, 'type'>; body: string };

function withParser(bytes: Buffer, chunkSizes: number[] = [bytes.length]): { entries: Seen[]; error?: string } {
  const entries: Seen[] = [];
  let body: Buffer[] = [];
  const parser = new TarParser({
    entry: (header) => {
      const { type: _type, ...fields } = header;
      entries.push({ header: fields, body: '' });
      body = [];
      return true;
    },
    body: (chunk) => body.push(Buffer.from(chunk)),
    bodyEnd: () => {
      entries[entries.length - 1]!.body = Buffer.concat(body).toString('latin1');
    },
  });
  try {
    let offset = 0;
    for (let i = 0; offset < bytes.length; i++) {
      const size = Math.max(1, chunkSizes[i % chunkSizes.length]!);
      parser.write(bytes.subarray(offset, offset + size));
      offset += size;
    }
    parser.end();
    return { entries };
  } catch (error) {
    return { entries, error: (error as Error).message };
  }
}

const samples = Array.from({ length: 60 }, (_, i) => generatedTar(7000 + i));

describe('TarParser reads the same whatever the chunks and the alignment', () => {
  it('whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 30 }), (bytes, sizes) => {
        expect(withParser(bytes, sizes)).toEqual(withParser(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('whether a header lies 4-byte aligned in memory or not (the word-at-a-time paths)', () => {
    for (const bytes of samples) {
      const expected = withParser(bytes);
      for (const shift of [1, 2, 3]) {
        const memory = Buffer.alloc(bytes.length + 8);
        bytes.copy(memory, shift);
        expect(withParser(memory.subarray(shift, shift + bytes.length))).toEqual(expected);
      }
    }
  });

  it('an entry starts its body at `position`; skipBody lands on the next header', () => {
    for (const bytes of samples) {
      const expected = withParser(bytes);
      for (const window of [512, 700, 10_000]) {
        const seen: Array<{ name: string; start: number; size: number }> = [];
        const parser = new TarParser({
          entry: (header) => {
            seen.push({ name: header.name, start: parser.position, size: header.size });
            parser.pause();
            return false;
          },
        });
        let error: string | undefined;
        try {
          while (parser.position < bytes.length && !parser.ended) {
            const at = parser.position;
            parser.write(bytes.subarray(at, at + window));
            parser.skipBody();
          }
          parser.end();
        } catch (e) {
          error = (e as Error).message;
        }
        expect(seen.map((s) => s.name)).toEqual(expected.entries.map((e) => e.header.name).slice(0, seen.length));
        if (!expected.error && !error) expect(seen.length).toBe(expected.entries.length);
      }
    }
  });

  it('counts every byte it was given between writes, and ignores everything after the end blocks', () => {
    const valid = samples.find((sample) => withParser(sample).error === undefined && withParser(sample).entries.length > 0)!;
    const bytes = Buffer.concat([valid, Buffer.alloc(1024), Buffer.from('anything at all')]);
    let count = 0;
    const parser = new TarParser({ entry: () => (count++, false) });
    parser.write(bytes.subarray(0, 777));
    expect(parser.position).toBe(777);
    parser.write(bytes.subarray(777));
    expect(parser.position).toBe(bytes.length);
    parser.end();
    expect(count).toBe(withParser(valid).entries.length);
  });
});
