import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileChunks, type ChunkReader } from '../../src/sources/stream-utils.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 3.5 MiB of a pattern in which every offset is recognisable.
const bytes = Buffer.alloc(3.5 * 1024 * 1024);
for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(i, i);
const path = join(dir, 'pattern');
writeFileSync(path, bytes);

/** Reads the reader to its end; `close` too, when the test is done with it (its file stays open until then). */
async function drain(reader: ChunkReader, { close = false } = {}): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let chunk = await reader.next(); chunk !== null; chunk = await reader.next()) {
    parts.push(Buffer.from(chunk)); // chunks are reused: copy
  }
  if (close) reader.close();
  return Buffer.concat(parts);
}

describe('fileChunks', () => {
  it('reads a whole file, and exactly a range of it', async () => {
    expect((await drain(fileChunks(path), { close: true })).equals(bytes)).toBe(true);
    for (const [start, length] of [[0, 10], [1_048_570, 1_048_590], [3_000_000, 670_000], [5, 0]] as const) {
      expect((await drain(fileChunks(path, { start, length }), { close: true })).equals(bytes.subarray(start, start + length))).toBe(true);
    }
  });

  it('ends a range at the end of the file when the file is shorter than the range', async () => {
    expect((await drain(fileChunks(path, { start: bytes.length - 100, length: 1000 }), { close: true })).equals(bytes.subarray(-100))).toBe(true);
  });

  it('seeks while a read ahead is in flight, keeping the chunk in hand intact', async () => {
    const reader = fileChunks(path);
    const first = await reader.next(); // the read ahead of the second chunk starts now
    const copy = Buffer.from(first!);
    reader.seek!(2_500_000);
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the reads land
    expect(first!.equals(copy)).toBe(true); // the chunk in hand stays valid until the next call
    const next = await reader.next();
    expect(next!.equals(bytes.subarray(2_500_000, 2_500_000 + next!.length))).toBe(true);
    const rest = await drain(reader);
    expect(Buffer.concat([next!, rest]).equals(bytes.subarray(2_500_000))).toBe(true);
    reader.close();
  });

  it('seeks backwards and past the end', async () => {
    const reader = fileChunks(path);
    await reader.next();
    await reader.next();
    reader.seek!(100);
    expect((await reader.next())!.subarray(0, 8).equals(bytes.subarray(100, 108))).toBe(true);
    reader.seek!(bytes.length + 10);
    expect(await reader.next()).toBeNull();
    reader.seek!(200); // the end met above is not the end for what comes after a seek back
    expect((await reader.next())!.subarray(0, 8).equals(bytes.subarray(200, 208))).toBe(true);
    reader.close();
  });
});
