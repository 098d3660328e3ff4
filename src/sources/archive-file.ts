import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { createDecompressor, detectCompression } from '../layers/compression.js';
import type { OpenedImage, SourceOptions } from './source.js';
import { openArchiveChunks } from './archive-stream.js';
import { fileChunks, streamChunks } from './stream-utils.js';

/** The first bytes of a regular file, to tell a compressed archive from a tar. */
async function head(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(6);
    const { bytesRead } = await handle.read(buffer, 0, 6, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * `docker save` output (either layout) or an OCI archive, read front to back once, into reused buffers. In a
 * regular file, layer blobs can be stepped over and read later from their place in it (not in a pipe).
 *
 * `docker load` decompresses the archive itself first (moby's archive.DecompressStream, on both stores), so
 * `docker save | gzip > image.tar.gz` loads: a gzip or zstd archive is read the same way, as a stream
 * (nothing to seek in). bzip2 and xz, which Docker also reads, are refused with one line: Node has no
 * decoder for them.
 */
export async function openArchiveFile(path: string, options: SourceOptions): Promise<OpenedImage> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return openArchiveChunks(fileChunks(path), path, options);
  const first = await head(path);
  const compression = detectCompression(first);
  if (compression !== 'none') {
    const decompressed = createReadStream(path, { highWaterMark: 1024 * 1024 }).pipe(createDecompressor(compression, path));
    return openArchiveChunks(streamChunks(decompressed), path, options);
  }
  if (first.subarray(0, 3).equals(Buffer.from('BZh')) || first.equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    throw new InputError(`${path}: the archive is compressed with ${first[0] === 0x42 ? 'bzip2' : 'xz'}, which this tool does not read: decompress it first (or use gzip or zstd)`);
  }
  return openArchiveChunks(fileChunks(path), path, options, { path, size: info.size });
}
