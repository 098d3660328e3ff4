import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, describeError } from '../errors.js';
import { ociLayoutSchema, parseJson } from '../oci/schemas.js';
import { resolveOciLayout, type ReadMember } from './resolve-image.js';
import type { LayerBlob, OpenedImage, SourceOptions } from './source.js';
import { fileChunks, pump } from './stream-utils.js';

function missing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** An OCI image layout directory. Its index is read first, so its layers come in order, straight from their files. */
export async function openOciLayout(dir: string, options: SourceOptions): Promise<OpenedImage> {
  const label = dir;
  const read: ReadMember = async (path) => {
    try {
      return await readFile(join(dir, path));
    } catch (error) {
      if (missing(error)) throw new InputError(`${label}: ${path} is missing`);
      throw new InputError(`${label}: cannot read ${path} (${describeError(error)})`);
    }
  };
  parseJson(ociLayoutSchema(), await read('oci-layout'), `${label}: oci-layout`);
  const meta = await resolveOciLayout(read, label, options);
  async function* blobs(): AsyncGenerator<LayerBlob> {
    for (const layer of new Set(meta.layers.map((ref) => ref.key))) {
      const size = await stat(join(dir, layer)).then((info) => info.size, () => undefined);
      const blob: LayerBlob = {
        key: layer,
        name: `${label}: ${layer}`,
        ...(size !== undefined ? { size, location: { path: join(dir, layer), start: 0, length: size } } : {}),
        pipeTo: async (sink) => {
          try {
            await pump(fileChunks(join(dir, layer)), sink);
          } catch (error) {
            if (missing(error)) throw new InputError(`${label}: ${layer} is missing`);
            throw error;
          }
        },
      };
      yield blob;
    }
  }
  return { label, blobs, meta: async () => meta, close: async () => undefined };
}
