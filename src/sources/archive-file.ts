import { createReadStream } from 'node:fs';
import type { OpenedImage, SourceOptions } from './source.js';
import { openArchiveStream } from './archive-stream.js';

/** `docker save` output (either layout) or an OCI archive, read front to back once. */
export function openArchiveFile(path: string, options: SourceOptions): OpenedImage {
  return openArchiveStream(createReadStream(path, { highWaterMark: 1024 * 1024 }), path, options);
}
