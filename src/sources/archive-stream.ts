import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { InputError, describeError } from '../errors.js';
import type { ImageMeta } from '../model/image.js';
import { resolveDockerArchive, resolveOciLayout, type ReadMember } from './resolve-image.js';
import type { LayerBlob, OpenedImage, SourceOptions } from './source.js';
import { collect, peek, pump, type Peeked } from './stream-utils.js';

/** JSON members (manifests, configs, indexes) are kept in memory; anything larger is not one of them. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;
const MAX_ALIAS_HOPS = 8;

/** A member name as a path inside the archive, or undefined when it would point outside it. */
function memberPath(name: string): string | undefined {
  const normal = posix.normalize(name.replace(/^(\.\/)+/, ''));
  if (normal.startsWith('/') || normal === '..' || normal.startsWith('../')) return undefined;
  return normal.replace(/\/$/, '');
}

type Kind = 'json' | 'layer' | 'sniff' | 'skip';

function kindOf(path: string): Kind {
  const base = posix.basename(path);
  if (base.endsWith('.json') || base === 'json' || base === 'oci-layout' || base === 'repositories') return 'json';
  if (path.startsWith('blobs/')) return 'sniff';
  if (base.endsWith('.tar') || base.endsWith('.tar.gz') || base.endsWith('.tar.zst')) return 'layer';
  return 'skip';
}

function looksLikeJson(head: Buffer): boolean {
  for (const byte of head) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte === 0x7b; // "{"
  }
  return false;
}

/**
 * An image archive read as one stream, front to back: `docker save` (both layouts), an OCI archive,
 * or the export stream of the Docker Engine API. Layer blobs are handed on as they pass; JSON members
 * are kept; the image is resolved from them at the end, since archives often put manifest.json last.
 */
export function openArchiveStream(input: Readable, label: string, options: SourceOptions): OpenedImage {
  const extract = tar.extract();
  const json = new Map<string, Buffer>();
  const aliases = new Map<string, string>();
  let exhausted = false;

  input.on('error', (error) => extract.destroy(error));
  input.pipe(extract as unknown as NodeJS.WritableStream);

  const archiveError = (error: unknown): InputError => {
    if (error instanceof InputError) return error;
    const detail = describeError(error);
    if (/end of data/i.test(detail)) return new InputError(`${label}: the archive is cut short`);
    if (/tar header|unknown format|invalid header/i.test(detail)) return new InputError(`${label}: not a tar archive (${detail})`);
    return new InputError(`${label}: cannot read the archive (${detail})`);
  };

  async function* blobs(): AsyncGenerator<LayerBlob> {
    try {
      for await (const entry of extract) {
        const path = memberPath(entry.header.name);
        const type = entry.header.type;
        if (path !== undefined && (type === 'symlink' || type === 'link')) {
          const target = type === 'symlink' ? posix.join(posix.dirname(path), entry.header.linkname ?? '') : entry.header.linkname ?? '';
          const resolved = memberPath(target);
          if (resolved !== undefined) aliases.set(path, resolved);
        }
        let kind: Kind = path === undefined || (type !== 'file' && type !== 'contiguous-file') ? 'skip' : kindOf(path);
        let input: Peeked | typeof entry = entry;
        if (kind === 'sniff') {
          const peeked = await peek(entry);
          kind = peeked.head && looksLikeJson(peeked.head) ? 'json' : 'layer';
          input = peeked;
        }
        if (kind === 'json') {
          const bytes = await collect(input, MAX_JSON_BYTES);
          if (bytes) json.set(path!, bytes);
        } else if (kind === 'layer') {
          const blob = input;
          yield { key: path!, name: `${label}: ${path}`, pipeTo: (sink) => pump(blob, sink) };
        } else {
          await collect(entry, 0);
        }
      }
    } catch (error) {
      throw archiveError(error);
    } finally {
      exhausted = true;
      input.destroy();
    }
  }

  const read: ReadMember = async (path) => {
    const bytes = json.get(resolveAlias(path));
    if (!bytes) throw new InputError(`${label}: ${path} is missing from the archive`);
    return bytes;
  };

  function resolveAlias(path: string): string {
    let current = path;
    for (let hop = 0; hop < MAX_ALIAS_HOPS; hop++) {
      const next = aliases.get(current);
      if (next === undefined) return current;
      current = next;
    }
    throw new InputError(`${label}: ${path} is a link loop`);
  }

  return {
    label,
    blobs,
    async meta(): Promise<ImageMeta> {
      if (!exhausted) throw new Error('meta() before the archive was read');
      let meta: ImageMeta;
      if (json.has('index.json')) meta = await resolveOciLayout(read, label, options);
      else if (json.has('manifest.json')) meta = await resolveDockerArchive(read, label, options);
      else throw new InputError(`${label}: neither index.json nor manifest.json found: not an image archive`);
      return { ...meta, layers: meta.layers.map((layer) => ({ ...layer, key: resolveAlias(layer.key) })) };
    },
    async close(): Promise<void> {
      input.destroy();
      extract.destroy();
    },
  };
}
