import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LayerReader } from '../../src/layers/layer-reader.js';
import { compress, layerTar } from '../support/image-builder.js';

/**
 * Large layers are hashed on worker threads while the main thread parses; small ones in place. Either way the
 * digest, the diff id and the entries must be exactly those of the bytes, whatever the chunking.
 */

const sha = (data: Buffer): string => 'sha256:' + createHash('sha256').update(data).digest('hex');

function chunked(data: Buffer, sizes: number[]): Readable {
  const parts: Buffer[] = [];
  for (let offset = 0, i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    parts.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return Readable.from(parts, { objectMode: false });
}

async function read(blob: Buffer, sizes: number[], capture?: (path: string) => boolean, expectedSize?: number): Promise<Awaited<LayerReader['contents']>> {
  const reader = new LayerReader('test blob', capture, expectedSize);
  chunked(blob, sizes).pipe(reader);
  return reader.contents;
}

const tar = layerTar({
  entries: [
    { type: 'dir', path: 'data' },
    { type: 'file', path: 'data/big.bin', size: 24 * 1024 * 1024 + 123 },
    { type: 'file', path: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
    { type: 'file', path: 'data/second.bin', size: 9 * 1024 * 1024 },
    { type: 'whiteout', path: 'data/gone' },
  ],
});

describe('LayerReader on large blobs (hashed off the main thread)', () => {
  for (const compression of ['none', 'gzip', 'zstd'] as const) {
    it(`${compression}: digest, diff id, entries and captured bytes are exact`, async () => {
      const blob = compression === 'none' ? tar : compress(tar, compression);
      // The size a source announces only decides where hashing happens (in place for a small one): never the result.
      for (const [sizes, expectedSize] of [[[1024 * 1024], undefined], [[65536, 7, 300000], blob.length], [[blob.length], 100]] as const) {
        const contents = await read(blob, [...sizes], (path) => path === '/etc/passwd', expectedSize);
        expect(contents.digest).toBe(sha(blob));
        expect(contents.diffId).toBe(sha(tar));
        expect(contents.compression).toBe(compression);
        expect(contents.blobSize).toBe(blob.length);
        expect(contents.size).toBe(24 * 1024 * 1024 + 123 + 26 + 9 * 1024 * 1024);
        expect(contents.entries.map((e) => [e.path, e.kind])).toEqual([
          ['/data', 'dir'],
          ['/data/big.bin', 'file'],
          ['/etc/passwd', 'file'],
          ['/data/second.bin', 'file'],
          ['/data/gone', 'whiteout'],
        ]);
        expect(contents.entries[2]!.content?.toString()).toBe('root:x:0:0::/root:/bin/sh\n');
      }
    });
  }

  it('several large layers at once share the hashing threads', async () => {
    const other = layerTar({ entries: [{ type: 'file', path: 'x', size: 12 * 1024 * 1024, seed: 'x' }] });
    const results = await Promise.all([read(tar, [1 << 20]), read(compress(other, 'gzip'), [1 << 16]), read(other, [333333])]);
    expect(results.map((r) => r.diffId)).toEqual([sha(tar), sha(other), sha(other)]);
  });

  it('reports a cut tar as cut, after a large body', async () => {
    await expect(read(tar.subarray(0, 20 * 1024 * 1024), [1 << 20])).rejects.toThrow(/cut short/);
  });

  it('a small blob never needs a thread', async () => {
    const small = layerTar({ entries: [{ type: 'file', path: 'a', content: 'abc' }] });
    const contents = await read(small, [100]);
    expect(contents.diffId).toBe(sha(small));
  });
});

describe('Sha256Stream', () => {
  it('stays exact when the caller writes on regardless of backpressure, and reuses its buffers', async () => {
    const { Sha256Stream } = await import('../../src/layers/sha256-stream.js');
    const data = Buffer.alloc(40 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE(i, i);
    const stream = new Sha256Stream();
    const scratch = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let offset = 0; offset < data.length; offset += scratch.length) {
      const n = data.copy(scratch, 0, offset, offset + scratch.length);
      stream.update(scratch.subarray(0, n));
      scratch.fill(0xee); // the caller reuses its buffer at once: the stream must have copied what it keeps
    }
    expect('sha256:' + (await stream.digest())).toBe(sha(data));
  });
});

describe('hashFileRange', () => {
  it('hashes exactly a range of a file on a hashing thread, and what there is of a range cut short', async () => {
    const { hashFileRange } = await import('../../src/layers/sha256-stream.js');
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-hash-'));
    try {
      const data = Buffer.alloc(9 * 1024 * 1024 + 124);
      for (let i = 0; i < data.length; i += 4) data.writeUInt32LE(i >>> 2, i);
      const file = join(dir, 'blob');
      writeFileSync(file, data);
      const range = (start: number, length: number): Promise<string> => hashFileRange(file, start, length)!.then((hex) => 'sha256:' + hex);
      expect(await range(0, data.length)).toBe(sha(data));
      expect(await range(1_000_003, 5 * 1024 * 1024)).toBe(sha(data.subarray(1_000_003, 1_000_003 + 5 * 1024 * 1024)));
      expect(await range(data.length - 4 * 1024 * 1024, 8 * 1024 * 1024)).toBe(sha(data.subarray(data.length - 4 * 1024 * 1024)));
      await expect(hashFileRange(join(dir, 'absent'), 0, 8 * 1024 * 1024)).rejects.toThrow(/ENOENT/);
      expect(hashFileRange(file, 0, 1000)).toBeUndefined(); // small: the caller hashes it as it reads
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
