import { stat } from 'node:fs/promises';
import type { OpenedImage, SourceOptions } from './source.js';
import { openArchiveChunks } from './archive-stream.js';
import { fileChunks } from './stream-utils.js';

/**
 * `docker save` output (either layout) or an OCI archive, read front to back once, into reused buffers. In a
 * regular file, layer blobs can be stepped over and read later from their place in it (not in a pipe).
 */
export async function openArchiveFile(path: string, options: SourceOptions): Promise<OpenedImage> {
  const info = await stat(path).catch(() => undefined);
  return openArchiveChunks(fileChunks(path), path, options, info?.isFile() ? { path, size: info.size } : undefined);
}
