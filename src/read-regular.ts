import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Why a file could not be read as a bounded regular file. */
export class FileShapeError extends Error {}

async function readCapped(handle: FileHandle, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(1 << 20, limit + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > limit) throw new FileShapeError(`is larger than ${limit.toLocaleString('en-US')} bytes`);
  }
  return Buffer.concat(chunks, total);
}

/**
 * The bytes of a regular file of at most `limit` bytes. It is opened without blocking, so a FIFO or a
 * device is refused (FileShapeError) instead of hanging the read; errors of the file system are thrown as
 * they come (ENOENT…). One byte more than the limit is read, whatever stat said, so a growing file is caught.
 */
export async function readRegularFile(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FileShapeError('is not a regular file');
    if (stat.size > limit) throw new FileShapeError(`is ${stat.size.toLocaleString('en-US')} bytes, larger than ${limit.toLocaleString('en-US')} bytes`);
    return await readCapped(handle, limit);
  } finally {
    await handle.close();
  }
}
