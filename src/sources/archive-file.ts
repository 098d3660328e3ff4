import type { OpenedImage, SourceOptions } from './source.js';
import { openArchiveChunks } from './archive-stream.js';
import { fileChunks } from './stream-utils.js';

/** `docker save` output (either layout) or an OCI archive, read front to back once, into one reused buffer. */
export function openArchiveFile(path: string, options: SourceOptions): OpenedImage {
  return openArchiveChunks(fileChunks(path), path, options);
}
