import type { Writable } from 'node:stream';
import { InputError, describeError } from '../errors.js';
import { TarParser, type TarHeader } from '../layers/tar-parser.js';
import type { ImageMeta } from '../model/image.js';
import { ArchiveMembers, type FileNode } from './archive-members.js';
import { resolveArchive } from './resolve-archive.js';
import type { LayerBlob, OpenedImage, SourceOptions } from './source.js';
import { SinkWriter, readRange, type ChunkReader } from './stream-utils.js';

/** Bytes of JSON a streamed archive may keep in all (its members cannot be read again later). */
const MAX_KEPT_JSON = 128 * 1024 * 1024;
/** Past this, a member of a streamed archive is not kept as JSON: no document Docker reads is larger. */
const MAX_JSON_MEMBER = 32 * 1024 * 1024;

/** The first byte that is not JSON whitespace, or undefined when there is none. */
function firstNonSpace(bytes: Buffer): number | undefined {
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte;
  }
  return undefined;
}

/** The archive member being read, when its body is kept or handed on. */
interface Member {
  node: FileNode;
  /** A JSON document to keep; a blob to hand on as a layer; not yet known (a stream sniffs the first bytes). */
  kind: 'json' | 'layer' | 'sniff';
  /** JSON bytes, or the first bytes of a sniffed blob: copies, since the archive's buffer is reused. */
  chunks: Buffer[];
  length: number;
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
 * API. Its tar is parsed by the same synchronous parser as the layers, in passes of their own:
 *
 * - classification (`ArchiveMembers`): every member is recorded as Docker's extraction would leave it;
 * - hand-off: in a regular file, every regular member is offered as a blob with its place in the file and
 *   stepped over unread (the engine reads only the layers the image uses, later, from there); in a stream,
 *   a member whose first byte is not `{` or `[` is handed to the layer reader as it passes, each chunk
 *   awaited until the reader is done with it;
 * - JSON keeping: in a stream only, JSON-looking members are kept (each up to 32 MiB, 128 MiB in all); in a
 *   file nothing is kept, and the documents the image names are read from their place at the end;
 * - resolution (`resolveArchive`), once the archive has been read: manifests often come last.
 *
 * The archive ends where Go's archive/tar ends it (the tar parser's end-of-archive rule): anything after,
 * garbage or a second manifest.json, is never read, as `docker load` never reads it.
 */
export function openArchiveChunks(reader: ChunkReader, label: string, options: SourceOptions, file?: ArchiveFile): OpenedImage {
  const members = new ArchiveMembers(label);
  const seekable = file !== undefined && reader.seek !== undefined;
  let keptJson = 0;
  let exhausted = false;

  const archiveError = (error: unknown): InputError => {
    if (error instanceof InputError) return error;
    const detail = describeError(error);
    if (/end of data/i.test(detail)) return new InputError(`${label}: the archive is cut short`);
    if (/tar header|unknown format|invalid header/i.test(detail)) return new InputError(`${label}: not a tar archive (${detail})`);
    return new InputError(`${label}: cannot read the archive (${detail})`);
  };

  let member: Member | undefined;
  /** Set when the parser paused at the start of a member to hand on, for `blobs()`. */
  let layerStart = false;

  const parser = new TarParser({
    entry(header: TarHeader): boolean {
      member = undefined;
      const node = members.add(header.name, header.type, header.linkname, parser.position, header.size);
      if (!node) return false;
      member = { node, kind: seekable ? 'layer' : 'sniff', chunks: [], length: 0, writer: undefined, ended: false };
      if (seekable) startLayer();
      return true;
    },
    body(chunk: Buffer): void {
      const current = member!;
      if (current.kind === 'layer') {
        current.writer?.write(chunk);
        return;
      }
      keepJson(current, chunk);
      if (current.kind === 'sniff') {
        const first = firstNonSpace(chunk);
        if (first === undefined) return;
        if (first === 0x7b || first === 0x5b) current.kind = 'json';
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
        if (!current.node.dropped) current.node.bytes = Buffer.concat(current.chunks, current.length);
        current.chunks = [];
      } else {
        parser.pause(); // the end of a layer: back to whoever drives the parser
      }
    },
  });

  /** A stream's JSON-looking member is kept, within the caps; past them it is dropped (a read then says so). */
  function keepJson(current: Member, chunk: Buffer): void {
    current.length += chunk.length;
    keptJson += chunk.length;
    if (current.length > MAX_JSON_MEMBER || keptJson > MAX_KEPT_JSON) {
      current.node.dropped = true;
      current.chunks = [];
    } else if (!current.node.dropped) current.chunks.push(Buffer.from(chunk));
  }

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
        const { key, start, size } = layer.node;
        let piped: Promise<void> | undefined;
        const blob: LayerBlob = { key, name: `${label}: ${key}`, size, pipeTo: (sink) => (piped ??= pipeMember(layer, sink)) };
        if (seekable) blob.location = { path: file.path, start, length: size };
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

  /** A JSON document's bytes: kept (a stream) or read from its place in the file, within `cap`. */
  const readNode = async (node: FileNode, cap: number): Promise<Buffer> => {
    if (node.size > cap) throw new InputError(`${label}: ${node.key} is ${node.size} bytes, over the ${cap}-byte limit for the document it should be`);
    if (node.bytes) return node.bytes;
    if (!seekable) throw new InputError(`${label}: ${node.key} was not kept while the archive streamed past (not JSON, or over the limits)`);
    return readRange(file.path, node.start, node.size);
  };

  return {
    label,
    blobs,
    async meta(): Promise<ImageMeta> {
      if (!exhausted) throw new Error('meta() before the archive was read');
      return resolveArchive(members, readNode, label, options);
    },
    async close(): Promise<void> {
      reader.close();
    },
  };
}
