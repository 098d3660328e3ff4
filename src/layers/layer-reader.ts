import { Writable, type Transform } from 'node:stream';
import { InputError, describeError } from '../errors.js';
import type { LayerContents } from '../model/entry.js';
import { SNIFF_BYTES, ZstdFraming, createDecompressor, detectCompression, unsupportedCompression, type Compression } from './compression.js';
import { LayerRefusal } from './entries.js';
import { EntryCollector } from './entry-collector.js';
import { NO_HASH, Sha256Stream, type DigestAlgorithm, type StreamHash } from './sha256-stream.js';
import { TarFormatError, TarParser } from './tar-parser.js';
import { humanBytes } from '../report/units.js';

/** A compressed blob at least this large is known to unpack to a tar worth hashing on a worker thread. */
const SMALL_BLOB = 4 * 1024 * 1024;

/** The default ceiling on a layer's uncompressed bytes: far above any real layer, far below a decompression bomb's. */
export const DEFAULT_MAX_LAYER_BYTES = 64 * 1024 ** 3;

/**
 * A writable that takes the bytes of one layer blob, exactly as stored, and in that single pass
 * hashes them (digest), decompresses, hashes again (diff id) and lists the tar entries.
 * Nothing is kept but the entries' metadata: file bodies flow through and are dropped.
 *
 * The tar is parsed synchronously as bytes arrive (TarParser): no stream or promise per entry, and no
 * backpressure to manage between the decompressor and the parser. Large blobs are hashed on worker threads
 * (Sha256Stream), so hashing overlaps with reading, decompressing and parsing; their backpressure is ours.
 */
export class LayerReader extends Writable {
  readonly contents: Promise<LayerContents>;

  private readonly blobHash: StreamHash;
  private tarHash: StreamHash | undefined;
  private blobSize = 0;
  private head: Buffer[] = [];
  private headLength = 0;
  private compression: Compression = 'none';
  private decompressor: Transform | undefined;
  /** The decompressor emitted all it will: at 'end', which Node's gunzip and zstd emit early when only padding follows. */
  private inflated = false;
  /** finish(), waiting for `inflated`. */
  private afterInflate: (() => void) | undefined;
  private zstdFraming: ZstdFraming | undefined;
  /** Uncompressed bytes seen so far, against `maxLayerBytes`. */
  private tarBytes = 0;
  private readonly parser: TarParser;
  private readonly collector: EntryCollector;
  private settle!: { resolve: (c: LayerContents) => void; reject: (e: Error) => void };
  private failed = false;
  /** A write or the final flush waiting on the decompressor; released on failure so the source never stalls. */
  private waiting: (() => void) | undefined;

  /**
   * @param capture which regular files to keep the bytes of (package databases, passwd): small files only,
   *   at most MAX_CAPTURE_BYTES each; everything else flows through.
   * @param blobSize the blob's size when the source knows it, to pick where it is hashed from the start.
   * @param hash false when the source vouches for the bytes: no digest and no diff id are computed (both come
   *   back empty), which leaves the reading and the entries exactly as they are.
   * @param blobDigest the blob's digest (hex), when something else hashes its stored bytes (a hashing thread
   *   reading them from the file): only a compressed blob's tar is then hashed here.
   * @param maxLayerBytes the most uncompressed bytes the layer may have: past it, the read stops with one line.
   * @param digestAlgorithm what the blob's digest is computed with (its manifest descriptor's algorithm); the
   *   diff id is always sha256, the only one the engines compute (moby and containerd use digest.Canonical).
   */
  constructor(
    private readonly blobName: string,
    capture: (path: string) => boolean = () => false,
    private readonly expectedSize?: number,
    private readonly hash = true,
    private readonly blobDigest?: Promise<string>,
    private readonly maxLayerBytes = DEFAULT_MAX_LAYER_BYTES,
    private readonly digestAlgorithm: DigestAlgorithm = 'sha256',
  ) {
    super({ highWaterMark: 1024 * 1024 });
    this.blobHash = hash && !blobDigest ? new Sha256Stream(expectedSize, digestAlgorithm) : NO_HASH;
    blobDigest?.catch(() => undefined); // observed in complete()
    this.contents = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.contents.catch(() => undefined); // the caller observes it; avoid an unhandled rejection meanwhile
    this.collector = new EntryCollector(capture);
    this.parser = new TarParser(this.collector);
  }

  /** Bytes of the blob received so far, for progress lines. */
  get bytesRead(): number {
    return this.blobSize;
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // Refused (the contents have failed, the hashes are finished): what the source still sends is dropped.
    if (this.failed) return callback();
    // When the hashing thread is a window behind, let it catch up before taking the chunk (bounded memory).
    if (!this.blobHash.hasRoom()) return this.blobHash.onDrain(() => this._write(chunk, encoding, callback));
    if (!this.decompressor && this.tarHash && !this.tarHash.hasRoom()) return this.tarHash.onDrain(() => this._write(chunk, encoding, callback));
    this.blobSize += chunk.length;
    this.blobHash.update(chunk);
    if (this.zstdFraming) this.checkFraming(chunk);
    if (this.tarHash === undefined) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength < SNIFF_BYTES) return callback();
      this.start();
      chunk = Buffer.concat(this.head);
      this.head = [];
      if (this.zstdFraming) this.checkFraming(chunk);
    }
    this.forward(chunk, callback);
  }

  private checkFraming(chunk: Buffer): void {
    const problem = this.zstdFraming!.update(chunk);
    if (problem !== undefined) this.fail(new InputError(`${this.blobName}: ${problem}`));
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.tarHash === undefined) {
      this.start();
      const rest = Buffer.concat(this.head);
      this.head = [];
      if (this.zstdFraming) this.checkFraming(rest);
      if (rest.length > 0) return this.forward(rest, () => this.finish(callback));
    }
    this.finish(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error) this.fail(error);
    this.decompressor?.destroy();
    callback(error);
  }

  /** Uncompressed bytes: counted against the ceiling, then parsed until the tar's end (after it, Go reads nothing). */
  private parse(chunk: Buffer): void {
    if (this.failed) return;
    this.tarBytes += chunk.length;
    if (this.tarBytes > this.maxLayerBytes) {
      this.fail(new InputError(`${this.blobName}: unpacks to more than ${humanBytes(this.maxLayerBytes)}, the most a layer may (--max-layer-bytes, input max-layer-bytes); the audit stopped there`));
      this.decompressor?.destroy();
      return;
    }
    if (this.parser.ended) return;
    try {
      this.parser.write(chunk);
    } catch (error) {
      this.fail(this.tarError(error));
    }
  }

  private start(): void {
    const head = Buffer.concat(this.head);
    this.compression = detectCompression(head);
    const unsupported = unsupportedCompression(head);
    if (unsupported !== undefined) {
      this.fail(new InputError(`${this.blobName}: the layer is ${unsupported}-compressed, which Docker reads but this tool cannot (gzip, zstd and plain tar only)`));
    }
    if (this.compression === 'none' && this.digestAlgorithm === 'sha256') {
      this.tarHash = this.blobHash; // same bytes: hash once
      return;
    }
    if (this.compression === 'none') {
      this.tarHash = this.hash ? new Sha256Stream(this.expectedSize) : NO_HASH; // the blob's digest is not sha256
      return;
    }
    if (this.compression === 'zstd') this.zstdFraming = new ZstdFraming();
    // A large compressed blob has a larger tar; a small one may still unpack to a large tar: wait and see.
    const tarHash = this.hash ? new Sha256Stream(this.expectedSize !== undefined && this.expectedSize >= SMALL_BLOB ? this.expectedSize : undefined) : NO_HASH;
    this.tarHash = tarHash;
    const decompressor = createDecompressor(this.compression, this.blobName);
    this.decompressor = decompressor;
    decompressor.on('data', (data: Buffer) => {
      if (this.failed) return;
      if (!tarHash.update(data)) {
        decompressor.pause();
        tarHash.onDrain(() => decompressor.resume());
      }
      this.parse(data);
    });
    // Registered now, not when the input ends: with only junk after the data, Node emits 'end' before the
    // last write is called back (and so before _final), and a listener added then would wait forever.
    decompressor.once('end', () => this.inflatedAll());
    // After a complete gzip member, Node's gunzip takes NULs as padding and another member as more data, as
    // unpigz does (the engine's gzip reader when installed, the default with Docker's packages); other junk is
    // an error here, as it is for Go's gzip reader (the engine's without unpigz). unpigz would ignore it, but
    // Node gives no way to find where a member ended: that layer is refused, never read short.
    decompressor.on('error', (error: Error) =>
      this.fail(new InputError(`${this.blobName}: ${this.compression} data is corrupt or cut short (${describeError(error)})`)),
    );
  }

  /** Everything the decompressor will give has come: later input is trailing data (hashed, never inflated). */
  private inflatedAll(): void {
    if (this.inflated) return;
    this.inflated = true;
    this.waiting?.(); // the last write: after an early 'end', Node calls it back late, or not before _final
    const then = this.afterInflate;
    this.afterInflate = undefined;
    then?.();
  }

  /**
   * Hand a chunk on; `callback` once it is consumed, not merely queued: sources reuse their buffers once a
   * write is called back. The parser and the hashes consume at once (they copy what they keep); the
   * decompressor when it calls back for that chunk.
   */
  private forward(chunk: Buffer, callback: (error?: Error | null) => void): void {
    if (this.failed || this.inflated) return callback();
    if (!this.decompressor) {
      if (this.tarHash !== this.blobHash) this.tarHash!.update(chunk); // a plain tar under a non-sha256 digest
      this.parse(chunk);
      return callback();
    }
    const release = this.hold(callback);
    this.decompressor.write(chunk, () => release());
  }

  private finish(callback: (error?: Error | null) => void): void {
    if (this.failed) return callback();
    const endTar = (): void => {
      if (this.failed) return callback();
      try {
        this.parser.end();
      } catch (error) {
        this.fail(this.tarError(error));
        return callback();
      }
      callback();
      this.complete().catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
    };
    if (!this.decompressor) return endTar();
    const release = this.hold(endTar);
    if (this.inflated) return release();
    this.afterInflate = release;
    this.decompressor.end();
  }

  /** `then`, wrapped as the one thing waiting: run once, by whichever comes first, its event or a failure. */
  private hold(then: () => void): () => void {
    const release = (): void => {
      if (this.waiting !== release) return;
      this.waiting = undefined;
      then();
    };
    this.waiting = release;
    return release;
  }

  private async complete(): Promise<void> {
    const [blobHex, tarHex] = await Promise.all([
      this.blobDigest ?? this.blobHash.digest(),
      this.tarHash === this.blobHash ? undefined : this.tarHash!.digest(),
    ]);
    if (this.failed) return;
    const digest = this.hash ? `${this.digestAlgorithm}:${blobHex}` : '';
    const diffId = !this.hash ? '' : tarHex === undefined ? digest : 'sha256:' + tarHex;
    this.settle.resolve({
      digest,
      diffId,
      compression: this.compression,
      blobSize: this.blobSize,
      size: this.collector.size,
      files: this.collector.files,
      entries: this.collector.entries,
      ...(this.collector.uncaptured ? { uncaptured: this.collector.uncaptured } : {}),
    });
  }

  private tarError(error: unknown): Error {
    if (error instanceof LayerRefusal) return new InputError(`${this.blobName}: ${error.message}`);
    if (error instanceof InputError) return error;
    if (!(error instanceof TarFormatError)) return error instanceof Error ? error : new Error(String(error)); // a bug, not the input
    const detail = describeError(error);
    const what = /end of data/i.test(detail) ? 'the layer tar is cut short' : `not a valid layer tar (${detail})`;
    return new InputError(`${this.blobName}: ${what}`);
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    // Finish the hashes nobody will read: a stream left open on a hashing thread keeps that thread (and so the
    // process) alive after the error is reported.
    this.blobHash.digest().catch(() => undefined);
    if (this.tarHash !== undefined && this.tarHash !== this.blobHash) this.tarHash.digest().catch(() => undefined);
    this.settle.reject(error);
    this.waiting?.();
  }
}

/** Read one layer blob from any readable stream of its stored bytes. */
export async function readLayer(stream: NodeJS.ReadableStream, blobName: string): Promise<LayerContents> {
  const reader = new LayerReader(blobName);
  stream.on('error', (error: Error) => reader.destroy(error));
  stream.pipe(reader);
  return reader.contents;
}
