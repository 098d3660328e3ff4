import { posix } from 'node:path';
import type { Writable } from 'node:stream';
import { InputError, describeError } from '../errors.js';
import { TarParser, type TarHeader } from '../layers/tar-parser.js';
import type { ImageMeta } from '../model/image.js';
import { resolveDockerArchive, resolveOciLayout, type ReadMember } from './resolve-image.js';
import type { LayerBlob, OpenedImage, SourceOptions } from './source.js';
import { SinkWriter, type ChunkReader } from './stream-utils.js';

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

/** The first byte that is not JSON whitespace, or undefined when there is none. */
function firstNonSpace(bytes: Buffer): number | undefined {
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte;
  }
  return undefined;
}

/** The archive member being read, when it is one we keep or hand on. */
interface Member {
  path: string;
  /** A JSON document to keep; a blob to hand on as a layer; a blob under blobs/ that may be either. */
  kind: 'json' | 'layer' | 'sniff';
  /** The member's size, from its header. */
  size: number;
  /** Where its body starts in the archive. */
  start: number;
  /** JSON bytes, or the first bytes of a sniffed blob: copies, since the archive's buffer is reused. */
  chunks: Buffer[];
  length: number;
  tooLarge: boolean;
  /** A layer's destination once the engine asked for it; null when its bytes are to be dropped. */
  writer: SinkWriter | null | undefined;
  ended: boolean;
}

/** The regular file an archive is read from, when it is one: its layers can then be stepped over. */
export interface ArchiveFile {
  path: string;
  size: number;
}

/**
 * An image archive read front to back, once, from a chunk reader (a file, or the engine's export, read into
 * reused buffers): `docker save` (both layouts), an OCI archive, or the export stream of the Docker Engine
 * API. Layer blobs are handed on as they pass; JSON members are kept; the image is resolved from them at the
 * end, since archives often put manifest.json last. The archive's tar is parsed by
 * the same synchronous parser as the layers: a layer member's body goes straight to the layer reader,
 * each chunk awaited until the reader is done with it, with no stream per member in between.
 */
export function openArchiveChunks(reader: ChunkReader, label: string, options: SourceOptions, file?: ArchiveFile): OpenedImage {
  const json = new Map<string, Buffer>();
  const aliases = new Map<string, string>();
  let exhausted = false;

  const archiveError = (error: unknown): InputError => {
    if (error instanceof InputError) return error;
    const detail = describeError(error);
    if (/end of data/i.test(detail)) return new InputError(`${label}: the archive is cut short`);
    if (/tar header|unknown format|invalid header/i.test(detail)) return new InputError(`${label}: not a tar archive (${detail})`);
    return new InputError(`${label}: cannot read the archive (${detail})`);
  };

  let member: Member | undefined;
  /** Set when the parser paused at the start of a layer member, for `blobs()` to hand it on. */
  let layerStart = false;

  const parser = new TarParser({
    entry(header: TarHeader): boolean {
      member = undefined;
      const path = memberPath(header.name);
      const type = header.type;
      if (path !== undefined && (type === 'symlink' || type === 'link')) {
        const target = type === 'symlink' ? posix.join(posix.dirname(path), header.linkname ?? '') : header.linkname ?? '';
        const resolved = memberPath(target);
        if (resolved !== undefined) aliases.set(path, resolved);
      }
      const kind: Kind = path === undefined || (type !== 'file' && type !== 'contiguous-file') ? 'skip' : kindOf(path);
      if (kind === 'skip') return false;
      member = { path: path!, kind, size: header.size, start: parser.position, chunks: [], length: 0, tooLarge: false, writer: undefined, ended: false };
      if (kind === 'layer') startLayer();
      return true;
    },
    body(chunk: Buffer): void {
      const current = member!;
      if (current.kind === 'layer') {
        current.writer?.write(chunk);
        return;
      }
      current.length += chunk.length;
      if (current.length > MAX_JSON_BYTES) {
        current.tooLarge = true;
        current.chunks = [];
      } else if (!current.tooLarge) {
        current.chunks.push(Buffer.from(chunk));
      }
      if (current.kind === 'sniff') {
        // A blob is JSON (a manifest, a config, an index) when its first non-space byte is "{".
        const first = firstNonSpace(chunk);
        if (first === undefined) return;
        if (first === 0x7b) current.kind = 'json';
        else {
          current.kind = 'layer';
          startLayer();
        }
      }
    },
    bodyEnd(): void {
      const current = member!;
      current.ended = true;
      if (current.kind === 'sniff') {
        current.kind = 'layer'; // empty, or nothing but spaces: not JSON
        startLayer();
      } else if (current.kind === 'json') {
        if (!current.tooLarge) json.set(current.path, Buffer.concat(current.chunks, current.length));
      } else {
        parser.pause(); // the end of a layer: back to whoever drives the parser
      }
    },
  });

  function startLayer(): void {
    layerStart = true;
    parser.pause();
  }

  // The driver: feeds the parser from the reader, waiting for the layer's reader before the buffer is reused.
  let chunk: Buffer | null = null;
  let offset = 0;
  let ended = false;
  let fatal: unknown;

  /** One parser step; false at the end of the archive. */
  async function step(): Promise<boolean> {
    if (fatal !== undefined) throw fatal;
    try {
      await member?.writer?.settled();
      if (chunk === null || offset >= chunk.length) {
        if (ended) return false;
        chunk = await reader.next();
        offset = 0;
        if (chunk === null) {
          ended = true;
          parser.end();
          return false;
        }
      }
      offset += parser.write(offset === 0 ? chunk : chunk.subarray(offset));
      return true;
    } catch (error) {
      fatal = error;
      throw error;
    }
  }

  /** Drive the parser until `done()`; false if the archive ended first. */
  async function until(done: () => boolean): Promise<boolean> {
    while (!done()) if (!(await step())) return false;
    return true;
  }

  /** Hand a layer member's bytes to `sink`; always reads to the member's end, whatever the sink does. */
  async function pipeMember(layer: Member, sink: Writable): Promise<void> {
    const writer = new SinkWriter(sink);
    layer.writer = writer;
    for (const head of layer.chunks) writer.write(head);
    layer.chunks = [];
    try {
      if (!(await until(() => layer.ended))) throw new Error('Unexpected end of data');
    } catch (error) {
      layer.writer = null;
      sink.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    await writer.end();
  }

  /** Step over the rest of a member without reading it: within the chunk in hand, or by seeking past it. */
  function skipMember(layer: Member): void {
    if (layer.ended) return;
    // The parser has consumed the archive up to `offset` in the chunk in hand.
    const chunkStart = parser.position - offset;
    parser.skipBody();
    layer.ended = true;
    const to = parser.position;
    if (to > file!.size) {
      fatal = new Error('Unexpected end of data');
      throw fatal;
    }
    if (chunk !== null && to <= chunkStart + chunk.length) {
      offset = to - chunkStart;
      return;
    }
    reader.seek!(to);
    chunk = null;
    offset = 0;
  }

  async function* blobs(): AsyncGenerator<LayerBlob> {
    try {
      while (await until(() => layerStart)) {
        layerStart = false;
        const layer = member!;
        let piped: Promise<void> | undefined;
        const blob: LayerBlob = { key: layer.path, name: `${label}: ${layer.path}`, size: layer.size, pipeTo: (sink) => (piped ??= pipeMember(layer, sink)) };
        if (file && reader.seek) blob.location = { path: file.path, start: layer.start, length: layer.size };
        yield blob;
        if (!piped) {
          layer.writer = null; // not asked for: drop its bytes (read later from its location, or never)
          layer.chunks = [];
          if (blob.location) skipMember(layer);
          else if (!(await until(() => layer.ended))) break;
        }
      }
    } catch (error) {
      throw archiveError(error);
    } finally {
      exhausted = true;
      reader.close();
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
      reader.close();
    },
  };
}
