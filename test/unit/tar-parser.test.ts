import fc from 'fast-check';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { TarParser, type TarHeader } from '../../src/layers/tar-parser.js';

/**
 * The layer tar parser must read every tar exactly as tar-stream (the reference, which still reads the
 * archives around the layers) does: same names, links, sizes, modes, ids, types, the same bodies, and an
 * error where tar-stream has one. tar-stream is the oracle here.
 */

type Seen = { header: Pick<TarHeader, 'name' | 'linkname' | 'size' | 'mode' | 'uid' | 'gid' | 'type'>; body: string };

/** `hung`: tar-stream never finished (it waits forever on a directory whose size field is not 0). */
async function withTarStream(bytes: Buffer): Promise<{ entries: Seen[]; error?: string; hung?: true }> {
  const extract = tar.extract();
  const entries: Seen[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('error', () => undefined); // reported by the extract itself
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        const { name, linkname, size, mode, uid, gid, type } = header;
        entries.push({ header: { name, linkname: linkname ?? null, size: size ?? 0, mode: mode ?? 0, uid: uid ?? 0, gid: gid ?? 0, type: type as TarHeader['type'] }, body: Buffer.concat(chunks).toString('latin1') });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(bytes);
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 500)));
  try {
    if ((await Promise.race([done, hung])) === 'hung') return { entries, hung: true };
    return { entries };
  } catch (error) {
    return { entries, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
    extract.destroy();
  }
}

function withParser(bytes: Buffer, chunkSizes: number[] = [bytes.length]): { entries: Seen[]; error?: string } {
  const entries: Seen[] = [];
  let body: Buffer[] = [];
  let current: TarHeader | undefined;
  const push = (): void => {
    const { name, linkname, size, mode, uid, gid, type } = current!;
    entries.push({ header: { name, linkname, size, mode, uid, gid, type }, body: Buffer.concat(body).toString('latin1') });
  };
  const parser = new TarParser({
    entry: (header) => {
      current = header;
      body = [];
      return true;
    },
    body: (chunk) => body.push(Buffer.from(chunk)),
    bodyEnd: push,
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

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** One raw header block, as GNU tar writes it (`ustar  \0`) or POSIX ustar (`ustar\000`). */
function block(fields: { name: string; type: string; size?: number; linkname?: string; mode?: number; format?: 'gnu' | 'ustar'; prefix?: string }): Buffer {
  const b = Buffer.alloc(512);
  b.write(fields.name, 0, 100, 'utf8');
  b.write(octal(fields.mode ?? 0o644, 8), 100, 'latin1');
  b.write(octal(0, 8), 108, 'latin1');
  b.write(octal(0, 8), 116, 'latin1');
  b.write(octal(fields.size ?? 0, 12), 124, 'latin1');
  b.write(octal(0, 12), 136, 'latin1');
  b.write(fields.type, 156, 'latin1');
  if (fields.linkname) b.write(fields.linkname, 157, 100, 'utf8');
  if ((fields.format ?? 'gnu') === 'gnu') b.write('ustar  \0', 257, 'latin1');
  else b.write('ustar\x0000', 257, 'latin1');
  if (fields.prefix) b.write(fields.prefix, 345, 155, 'utf8');
  return withChecksum(b);
}

function withChecksum(b: Buffer): Buffer {
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

function record(header: Buffer, body: Buffer): Buffer {
  const pad = (512 - (body.length % 512)) % 512;
  return Buffer.concat([header, body, Buffer.alloc(pad)]);
}

function pax(records: Record<string, string>, global = false): Buffer {
  let text = '';
  for (const [key, value] of Object.entries(records)) {
    const line = ` ${key}=${value}\n`;
    const bare = Buffer.byteLength(line);
    let length = bare + String(bare).length;
    if (String(length).length !== String(bare).length) length++;
    text += length + line;
  }
  const body = Buffer.from(text);
  return record(block({ name: 'PaxHeaders/x', type: global ? 'g' : 'x', size: body.length, format: 'ustar' }), body);
}

const LONG = 'usr/share/' + 'a-very-long-directory-name/'.repeat(8) + 'file-ü.txt';
const LONG_TARGET = '../../' + 'target-directory/'.repeat(9) + 'target';

function sampleTar(): Buffer {
  const file = (name: string, content: string, format: 'gnu' | 'ustar' = 'gnu', prefix?: string): Buffer =>
    record(block({ name, type: '0', size: Buffer.byteLength(content), format, ...(prefix ? { prefix } : {}) }), Buffer.from(content));
  return Buffer.concat([
    file('etc/', ''),
    record(block({ name: 'etc/dir/', type: '5', size: 0 }), Buffer.alloc(0)),
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'),
    // GNU long name and long link target
    record(block({ name: '././@LongLink', type: 'L', size: Buffer.byteLength(LONG) + 1 }), Buffer.from(LONG + '\0')),
    file(LONG.slice(0, 99), 'long name body'),
    record(block({ name: '././@LongLink', type: 'K', size: Buffer.byteLength(LONG_TARGET) }), Buffer.from(LONG_TARGET)),
    record(block({ name: 'usr/bin/link', type: '2', linkname: LONG_TARGET.slice(0, 99) }), Buffer.alloc(0)),
    // ustar prefix
    file('name-in-ustar.txt', 'prefixed', 'ustar', 'some/prefix/dir'),
    // PAX: global header, then per-file path, linkpath and size
    pax({ comment: 'global', path: 'ignored-alone' }, true),
    file('plain-after-global', 'g'),
    pax({ path: LONG + '.pax', 'SCHILY.xattr.user.x': 'y' }),
    file('short', 'pax body'),
    pax({ linkpath: LONG, path: 'usr/bin/hard' }),
    record(block({ name: 'x', type: '1', linkname: 'y' }), Buffer.alloc(0)),
    pax({ size: '5' }),
    file('size-from-pax', '12345'),
    record(block({ name: 'dev/null', type: '3' }), Buffer.alloc(0)),
    record(block({ name: 'fifo', type: '6' }), Buffer.alloc(0)),
    record(block({ name: 'sparse', type: 'S', size: 3 }), Buffer.from('abc')),
    record(block({ name: 'old-dir/', type: '\0' }), Buffer.alloc(0)),
    file('big-body', 'x'.repeat(5000)),
    Buffer.alloc(1024),
  ]);
}

describe('TarParser reads layer tars exactly as tar-stream does', () => {
  it('GNU long names and links, ustar prefixes, PAX (global and per file), odd types', async () => {
    const bytes = sampleTar();
    const expected = await withTarStream(bytes);
    expect(expected.error).toBeUndefined();
    expect(expected.entries.map((e) => e.header.name)).toContain(LONG);
    expect(withParser(bytes)).toEqual(expected);
  });

  it('whatever the chunk boundaries', async () => {
    const bytes = sampleTar();
    const expected = await withTarStream(bytes);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 30 }), (sizes) => {
        expect(withParser(bytes, sizes)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on mutated headers: the same entries, or an error where tar-stream fails', async () => {
    const bytes = sampleTar();
    const headerOffsets: number[] = [];
    // every header block of the sample (walk the records as tar-stream would)
    for (let offset = 0; offset < bytes.length; ) {
      const b = bytes.subarray(offset, offset + 512);
      if (b.every((x) => x === 0)) break;
      headerOffsets.push(offset);
      const size = parseInt(b.toString('latin1', 124, 135), 8) || 0;
      const type = b[156];
      offset += 512 + (type === 0x35 ? 0 : Math.ceil(size / 512) * 512);
    }
    const interesting = [0, 99, 100, 101, 107, 108, 116, 124, 125, 130, 135, 136, 156, 157, 257, 262, 263, 264, 345];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...headerOffsets),
        fc.oneof(fc.constantFrom(...interesting), fc.integer({ min: 0, max: 511 })),
        fc.oneof(fc.constantFrom(0x00, 0x20, 0x30, 0x37, 0x38, 0x2d, 0x2b, 0x09, 0x41, 0x80, 0xff, 0x2f, 0xc3), fc.integer({ min: 0, max: 255 })),
        fc.boolean(),
        async (header, field, byte, fixChecksum) => {
          const mutated = Buffer.from(bytes);
          mutated[header + field] = byte;
          if (fixChecksum) withChecksum(mutated.subarray(header, header + 512));
          const expected = await withTarStream(mutated);
          const actual = withParser(mutated);
          if (expected.hung) return; // no answer to compare with
          // A PAX or GNU long-name record of no bytes, or of an unreadable size, sends tar-stream through the
          // following blocks as if they were headers: no answer to compare with (we read an empty record, or stop
          // with an error).
          const recordSize = parseInt(mutated.toString('latin1', header + 124, header + 136), 8);
          if ('xgLK'.includes(String.fromCharCode(mutated[header + 156]!)) && !(recordSize > 0)) return;
          // A PAX record claiming more bytes than its header holds (a shortened size field): tar-stream reads on
          // into whatever follows; we refuse, as libarchive and GNU tar do (decodePax).
          if (actual.error !== undefined && /^PAX record length \d+ exceeds/.test(actual.error) && !expected.error) return;
          if (expected.error) {
            expect(actual.error).toBeDefined();
            expect(actual.entries).toEqual(expected.entries.slice(0, actual.entries.length));
          } else {
            expect(actual).toEqual(expected);
          }
        },
      ),
      // The first: a PAX size field cut short (found by this property in CI).
      { numRuns: 400, examples: [[8704, 133, 0, true]] },
    );
  });

  it('reads no data after a directory, whatever its size field says', () => {
    const bytes = Buffer.concat([block({ name: 'odd-dir/', type: '5', size: 700 }), record(block({ name: 'after', type: '0', size: 1 }), Buffer.from('z')), Buffer.alloc(1024)]);
    expect(withParser(bytes).entries.map((e) => [e.header.name, e.header.type, e.body])).toEqual([
      ['odd-dir/', 'directory', ''],
      ['after', 'file', 'z'],
    ]);
  });

  it('fails on a tar cut short, as tar-stream does', async () => {
    const bytes = sampleTar();
    for (const cut of [100, 512 + 10, 3000]) {
      const part = bytes.subarray(0, cut);
      expect((await withTarStream(part)).error).toMatch(/end of data/i);
      expect(withParser(part).error).toMatch(/end of data/i);
    }
  });
});

describe('TarParser positions, for stepping over bodies without reading them', () => {
  /** Parse by reading only headers: at each entry, note where its body starts, then skip to the next header. */
  function skippingEveryBody(bytes: Buffer, window: number): Array<{ name: string; start: number; size: number }> {
    const seen: Array<{ name: string; start: number; size: number }> = [];
    const parser = new TarParser({
      entry: (header) => {
        seen.push({ name: header.name, start: parser.position, size: header.type === 'directory' ? 0 : header.size });
        parser.pause();
        return false;
      },
    });
    while (parser.position < bytes.length) {
      const at = parser.position;
      parser.write(bytes.subarray(at, at + window)); // a little at a time, as an archive reader reads
      parser.skipBody();
    }
    parser.end();
    return seen;
  }

  it('an entry starts its body at `position`; skipBody lands on the next header', async () => {
    const bytes = sampleTar();
    const expected = await withTarStream(bytes);
    for (const window of [512, 1024, 1536, 700, 10_000]) {
      const seen = skippingEveryBody(bytes, window);
      expect(seen.map((entry) => entry.name)).toEqual(expected.entries.map((entry) => entry.header.name));
      seen.forEach((entry, index) => {
        expect(bytes.toString('latin1', entry.start, entry.start + entry.size)).toBe(expected.entries[index]!.body);
      });
    }
  });

  it('counts every byte it was given between writes', () => {
    const bytes = sampleTar();
    const parser = new TarParser({ entry: () => false });
    parser.write(bytes.subarray(0, 777));
    expect(parser.position).toBe(777);
    parser.write(bytes.subarray(777));
    expect(parser.position).toBe(bytes.length);
    expect(parser.skipBody()).toBe(0);
  });
});

describe('TarParser checksums', () => {
  it('agree whether a header lies 4-byte aligned in memory or not, and catch a flipped byte either way', async () => {
    const bytes = sampleTar();
    const expected = await withTarStream(bytes);
    for (const shift of [0, 1, 2, 3, 4]) {
      const memory = Buffer.alloc(bytes.length + 8);
      bytes.copy(memory, shift);
      const shifted = memory.subarray(shift, shift + bytes.length);
      expect(withParser(shifted)).toEqual(expected);
      for (const flip of [0, 147, 156, 300, 511]) {
        const corrupt = Buffer.from(memory);
        corrupt[shift + flip] = corrupt[shift + flip]! ^ 0x01;
        expect(withParser(corrupt.subarray(shift, shift + bytes.length)).error).toMatch(/Invalid tar header/);
      }
    }
  });
});

describe('TarParser numeric fields', () => {
  // The usual forms ("%07o\0", "%06o\0 ", "%011o\0") are read a word at a time when the header is 4-byte
  // aligned in memory; everything else byte by byte. Both must read every field as tar-stream does.
  const digits = (count: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...'01234567'), { minLength: count, maxLength: count }).map((d) => d.join(''));
  const odd = fc.constantFrom(...'01234567 \0\x08\x7f89+-xA\x80\xff');
  const field = (width: number): fc.Arbitrary<string> =>
    fc.oneof(
      digits(width - 1).map((d) => d + '\0'),
      digits(width - 1).map((d) => d + ' '),
      digits(width - 2).map((d) => d + '\0 '),
      digits(width - 2).map((d) => d + ' \0'),
      digits(width - 3).map((d) => ' ' + d + ' \0'),
      fc.tuple(digits(width - 1), fc.nat(width - 1), odd).map(([d, at, c]) => d.slice(0, at) + c + d.slice(at + 1) + '\0'),
      fc.array(odd, { minLength: width, maxLength: width }).map((c) => c.join('')),
    );

  /** A size field for `size` bytes, in one of the forms writers use or a broken one. */
  const sizeField = (size: number): fc.Arbitrary<string> => {
    const octalSize = (width: number): string => size.toString(8).padStart(width, '0');
    return fc.oneof(
      fc.constantFrom(octalSize(11) + '\0', octalSize(11) + ' ', octalSize(10) + '\0 ', octalSize(12), ' ' + octalSize(10) + '\0', octalSize(11) + '7'),
      fc.tuple(fc.nat(11), odd).map(([at, c]) => {
        const text = octalSize(11) + '\0';
        return text.slice(0, at) + c + text.slice(at + 1);
      }),
    );
  };

  it('mode, uid, gid, size and checksum read alike in every form, aligned or not', async () => {
    const sized = fc.nat(600).chain((size) => fc.tuple(fc.constant(size), sizeField(size)));
    await fc.assert(
      fc.asyncProperty(field(8), field(8), field(8), sized, fc.boolean(), fc.constantFrom(0, 1, 2, 3), async (mode, uid, gid, [size, sizeText], sixDigitChecksum, shift) => {
        const header = block({ name: 'f', type: '0', size });
        header.write(mode, 100, 8, 'latin1');
        header.write(uid, 108, 8, 'latin1');
        header.write(gid, 116, 8, 'latin1');
        header.write(sizeText, 124, 12, 'latin1');
        if (!sixDigitChecksum) {
          header.fill(0x20, 148, 156);
          let sum = 0;
          for (const byte of header) sum += byte;
          header.write(sum.toString(8).padStart(7, '0') + '\0', 148, 'latin1');
        }
        const bytes = Buffer.concat([record(header, Buffer.alloc(size, 0x61)), Buffer.alloc(1024)]);
        const memory = Buffer.alloc(bytes.length + 4);
        bytes.copy(memory, shift);
        const expected = await withTarStream(bytes);
        if (expected.hung) return;
        const actual = withParser(memory.subarray(shift, shift + bytes.length));
        if (expected.error) expect(actual.error).toBeDefined();
        else expect(actual).toEqual(expected);
      }),
      { numRuns: 1500 },
    );
  });

  it('reads eleven-digit sizes and seven-digit ids as tar writers put them', () => {
    const header = block({ name: 'f', type: '0', size: 0 });
    header.write('7654321\0', 108, 'latin1');
    header.write('0000017\0', 116, 'latin1');
    header.write('00000000005\0', 124, 'latin1');
    const bytes = Buffer.concat([record(withChecksum(header), Buffer.from('hello')), Buffer.alloc(1024)]);
    const { entries } = withParser(bytes);
    expect(entries.map((e) => [e.header.uid, e.header.gid, e.header.size, e.body])).toEqual([[0o7654321, 0o17, 5, 'hello']]);
  });
});
