import { constants } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InputError, describeError } from '../errors.js';
import { decodeOciLayout } from '../oci/schemas.js';
import { DOCUMENT_LIMITS, resolveOciLayout, type DocumentReader } from './resolve-image.js';
import type { LayerBlob, OpenedImage, SourceOptions } from './source.js';
import { fileChunks, pump } from './stream-utils.js';

function missing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * A file of the layout, checked before a byte of it is read: it must resolve (symlinks followed) to a place
 * inside the layout, and be a regular file. A FIFO would hang the read, a device (a symlink to /dev/zero)
 * would never end, a directory is no document; each is refused with one line. Returns the real path.
 */
async function regularFileInside(dir: string, path: string, label: string): Promise<string> {
  const full = join(dir, path);
  let real: string;
  try {
    real = await realpath(full);
  } catch (error) {
    if (missing(error)) throw new InputError(`${label}: ${path} is missing`);
    throw new InputError(`${label}: cannot read ${path} (${describeError(error)})`);
  }
  const root = await realpath(dir);
  const inside = relative(root, real);
  if (inside === '' || inside.startsWith('..' + sep) || inside === '..') throw new InputError(`${label}: ${path} is a link out of the layout (to ${real})`);
  const info = await lstat(real);
  if (!info.isFile()) {
    const what = info.isFIFO() ? 'a FIFO' : info.isDirectory() ? 'a directory' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : 'not a regular file';
    throw new InputError(`${label}: ${path} is ${what}, not a file`);
  }
  return real;
}

/** Read a document of at most `cap` bytes: opened without following a link, checked again on the open descriptor. */
async function readCapped(real: string, path: string, cap: number, label: string): Promise<Buffer> {
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new InputError(`${label}: ${path} is not a regular file`);
    if (info.size > cap) throw new InputError(`${label}: ${path} is ${info.size} bytes, over the ${cap}-byte limit for the document it should be`);
    const buffer = Buffer.alloc(info.size);
    let done = 0;
    while (done < info.size) {
      const { bytesRead } = await handle.read(buffer, done, info.size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buffer.subarray(0, done);
  } finally {
    await handle.close();
  }
}

/** An OCI image layout directory. Its index is read first, so its layers come in order, straight from their files. */
export async function openOciLayout(dir: string, options: SourceOptions): Promise<OpenedImage> {
  const label = dir;
  const reader: DocumentReader = {
    read: async (path, cap) => readCapped(await regularFileInside(dir, path, label), path, cap, label),
    keyOf: (path) => path,
  };
  decodeOciLayout(await reader.read('oci-layout', DOCUMENT_LIMITS.ociLayout), `${label}: oci-layout`);
  const meta = await resolveOciLayout(reader, label, options);
  async function* blobs(): AsyncGenerator<LayerBlob> {
    for (const layer of new Set(meta.layers.map((ref) => ref.key))) {
      const real = await regularFileInside(dir, layer, label);
      const { size } = await lstat(real);
      const declared = meta.layers.find((ref) => ref.key === layer)?.size;
      if (declared !== undefined && declared !== size) throw new InputError(`${label}: ${layer}: ${size} bytes, but its descriptor says ${declared}`);
      yield {
        key: layer,
        name: `${label}: ${layer}`,
        size,
        location: { path: real, start: 0, length: size },
        pipeTo: (sink) => pump(fileChunks(real, { start: 0, length: size }), sink),
      };
    }
  }
  return { label, blobs, meta: async () => meta, close: async () => undefined };
}
