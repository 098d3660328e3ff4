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
  const archive = new ArchiveStream(reader, label, file);
  return {
    label,
    blobs: () => archive.blobs(),
    async meta(): Promise<ImageMeta> {
      if (!archive.exhausted) throw new Error('meta() before the archive was read');
      return resolveArchive(archive.members, (node, cap) => archive.readNode(node, cap), label, options);
    },
    async close(): Promise<void> {
      reader.close();
    },
  };
}

function archiveError(error: unknown, label: string): InputError {
  if (error instanceof InputError) return error;
  const detail = describeError(error);
  if (/end of data/i.test(detail)) return new InputError(`${label}: the archive is cut short`);
  if (/tar header|unknown format|invalid header/i.test(detail)) return new InputError(`${label}: not a tar archive (${detail})`);
  return new InputError(`${label}: cannot read the archive (${detail})`);
}

/** One pass over an archive: the parser's handlers classify and keep; the driver feeds it, hands on and seeks. */
class ArchiveStream {
  readonly members: ArchiveMembers;
  exhausted = false;
  private readonly seekable: boolean;
  private readonly parser: TarParser;
  private keptJson = 0;
  private member: Member | undefined;
  /** Set when the parser paused at the start of a member to hand on, for `blobs()`. */
  private layerStart = false;
  // The driver's place: the chunk in hand and how much of it the parser has consumed.
  private chunk: Buffer | null = null;
  private offset = 0;
  private ended = false;
  private fatal: unknown;

  constructor(
    private readonly reader: ChunkReader,
    private readonly label: string,
    private readonly file: ArchiveFile | undefined,
  ) {
    this.members = new ArchiveMembers(label);
    this.seekable = file !== undefined && reader.seek !== undefined;
    this.parser = new TarParser({ entry: (header) => this.entry(header), body: (chunk) => this.body(chunk), bodyEnd: () => this.bodyEnd() });
  }

  // --- classification: each member recorded as Docker's extraction leaves it -------------------------

  private entry(header: TarHeader): boolean {
    this.member = undefined;
    const node = this.members.add(header.name, header.type, header.linkname, this.parser.position, header.size);
    if (!node) return false;
    this.member = { node, kind: this.seekable ? 'layer' : 'sniff', chunks: [], length: 0, writer: undefined, ended: false };
    if (this.seekable) this.startLayer();
    return true;
  }

  private body(chunk: Buffer): void {
    const current = this.member!;
    if (current.kind === 'layer') {
      current.writer?.write(chunk);
      return;
    }
    this.keepJson(current, chunk);
    if (current.kind === 'sniff') {
      const first = firstNonSpace(chunk);
      if (first === undefined) return;
      // A layer tar whose first entry's name starts with { or [ still has ustar's magic at 257.
      const tar = current.length === chunk.length && chunk.length >= 262 && chunk.toString('latin1', 257, 262) === 'ustar';
      if ((first === 0x7b || first === 0x5b) && !tar) current.kind = 'json';
      else {
        current.kind = 'layer';
        this.startLayer();
      }
    }
  }

  private bodyEnd(): void {
    const current = this.member!;
    current.ended = true;
    if (current.kind === 'sniff') {
      current.kind = 'layer'; // empty, or nothing but spaces: not JSON
      this.startLayer();
    } else if (current.kind === 'json') {
      if (!current.node.dropped) current.node.bytes = Buffer.concat(current.chunks, current.length);
      current.chunks = [];
    } else {
      this.parser.pause(); // the end of a layer: back to whoever drives the parser
    }
  }

  // --- JSON keeping (streams only) --------------------------------------------------------------------

  /** A stream's JSON-looking member is kept, within the caps; past them it is dropped (a read then says so). */
  private keepJson(current: Member, chunk: Buffer): void {
    current.length += chunk.length;
    this.keptJson += chunk.length;
    if (current.length > MAX_JSON_MEMBER || this.keptJson > MAX_KEPT_JSON) {
      current.node.dropped = true;
      current.chunks = [];
    } else if (!current.node.dropped) current.chunks.push(Buffer.from(chunk));
  }

  /** A JSON document's bytes: kept (a stream) or read from its place in the file, within `cap`. */
  async readNode(node: FileNode, cap: number): Promise<Buffer> {
    if (node.size > cap) throw new InputError(`${this.label}: ${node.key} is ${node.size} bytes, over the ${cap}-byte limit for the document it should be`);
    if (node.bytes) return node.bytes;
    if (!this.seekable) throw new InputError(`${this.label}: ${node.key} was not kept while the archive streamed past (not JSON, or over the limits)`);
    return readRange(this.file!.path, node.start, node.size);
  }

  // --- the driver: feeds the parser, waiting for a layer's reader before the buffer is reused ---------

  private startLayer(): void {
    this.layerStart = true;
    this.parser.pause();
  }

  /** One parser step; false at the end of the archive. */
  private async step(): Promise<boolean> {
    if (this.fatal !== undefined) throw this.fatal;
    try {
      await this.member?.writer?.settled();
      if (this.chunk === null || this.offset >= this.chunk.length) {
        if (this.ended) return false;
        this.chunk = await this.reader.next();
        this.offset = 0;
        if (this.chunk === null) {
          this.ended = true;
          this.parser.end();
          return false;
        }
      }
      this.offset += this.parser.write(this.offset === 0 ? this.chunk : this.chunk.subarray(this.offset));
      return true;
    } catch (error) {
      this.fatal = error;
      throw error;
    }
  }

  /** Drive the parser until `done()`; false if the archive ended first. */
  private async until(done: () => boolean): Promise<boolean> {
    while (!done()) if (!(await this.step())) return false;
    return true;
  }

  // --- layer hand-off and seeking ---------------------------------------------------------------------

  /** Hand a layer member's bytes to `sink`; always reads to the member's end, whatever the sink does. */
  private async pipeMember(layer: Member, sink: Writable): Promise<void> {
    const writer = new SinkWriter(sink);
    layer.writer = writer;
    for (const head of layer.chunks) writer.write(head);
    layer.chunks = [];
    try {
      if (!(await this.until(() => layer.ended))) throw new Error('Unexpected end of data');
    } catch (error) {
      layer.writer = null;
      sink.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    await writer.end();
  }

  /** Step over the rest of a member without reading it: within the chunk in hand, or by seeking past it. */
  private skipMember(layer: Member): void {
    if (layer.ended) return;
    // The parser has consumed the archive up to `offset` in the chunk in hand.
    const chunkStart = this.parser.position - this.offset;
    this.parser.skipBody();
    layer.ended = true;
    const to = this.parser.position;
    if (to > this.file!.size) {
      this.fatal = new Error('Unexpected end of data');
      throw this.fatal;
    }
    if (this.chunk !== null && to <= chunkStart + this.chunk.length) {
      this.offset = to - chunkStart;
      return;
    }
    this.reader.seek!(to);
    this.chunk = null;
    this.offset = 0;
  }

  async *blobs(): AsyncGenerator<LayerBlob> {
    try {
      while (await this.until(() => this.layerStart)) {
        this.layerStart = false;
        const layer = this.member!;
        const { key, start, size } = layer.node;
        let piped: Promise<void> | undefined;
        const blob: LayerBlob = { key, name: `${this.label}: ${key}`, size, pipeTo: (sink) => (piped ??= this.pipeMember(layer, sink)) };
        if (this.seekable) blob.location = { path: this.file!.path, start, length: size };
        yield blob;
        if (!piped) {
          layer.writer = null; // not asked for: drop its bytes (read later from its location, or never)
          layer.chunks = [];
          if (blob.location) this.skipMember(layer);
          else if (!(await this.until(() => layer.ended))) break;
        }
      }
    } catch (error) {
      throw archiveError(error, this.label);
    } finally {
      this.exhausted = true;
      this.reader.close();
    }
  }
}
