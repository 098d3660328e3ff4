import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { InputError } from '../errors.js';

export type Compression = 'none' | 'gzip' | 'zstd';

/** Enough bytes to tell the compressions apart (moby's DecompressStream peeks 10). */
export const SNIFF_BYTES = 10;

/**
 * Told apart by magic bytes as moby's DetectCompression does, never by media type or file name (archives in
 * the wild mislabel both): gzip is 1f 8b 08 (a tar whose first name starts 1f 8b with another method byte is
 * a tar to Docker); zstd a frame (28 b5 2f fd) or a skippable frame first (50-5f 2a 4d 18, moby's
 * zstdMatcher; Node's zstd skips it). bzip2 and xz, which Docker also reads, are refused by
 * `unsupportedCompression`.
 */
export function detectCompression(head: Buffer): Compression {
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 8 && (head.readUInt32LE(0) & 0xfffffff0) >>> 0 === 0x184d2a50) return 'zstd';
  return 'none';
}

/** bzip2 ("BZh") and xz, which Docker decompresses and Node cannot: a name for the one-line refusal. */
export function unsupportedCompression(head: Buffer): string | undefined {
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  return undefined;
}

export function createDecompressor(compression: Exclude<Compression, 'none'>, blobName: string): Transform {
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: 256 * 1024 });
  const create = (zlib as { createZstdDecompress?: (options?: object) => Transform }).createZstdDecompress;
  if (!create) throw new InputError(`${blobName}: zstd layers need Node.js 22.15 or newer (this is ${process.version})`);
  // Large output chunks: Node's zstd pays per call; 256 KiB chunks decompressed a 256 MiB layer in ~0.29 s, 4 MiB in ~0.2 s.
  return create({ chunkSize: 4 * 1024 * 1024 });
}

/**
 * Walks zstd framing over the compressed bytes, without decompressing, to refuse what Go's zstd reader
 * (klauspost/compress, which Docker 23+ and containerd use) refuses and Node's decoder lets pass: after a
 * frame, the next four bytes must open a frame or a skippable frame (ErrMagicMismatch), though fewer than
 * four bytes at the very end are taken as the end of the stream.
 */
export class ZstdFraming {
  /** Bytes to skip before the next thing to look at. */
  private skip = 0;
  private head: number[] = [];
  private step: 'magic' | 'frame-header' | 'block-header' | 'skippable-size' | 'checksum' = 'magic';
  private need = 4;
  private checksum = false;
  private error: string | undefined;

  /** Feed the next compressed bytes; returns an error message once the framing is broken. */
  update(chunk: Buffer): string | undefined {
    let at = 0;
    while (at < chunk.length && this.error === undefined) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, chunk.length - at);
        this.skip -= take;
        at += take;
        continue;
      }
      this.head.push(chunk[at++]!);
      if (this.head.length === this.need) this.advance();
    }
    return this.error;
  }

  /** At the end of the stream: whether it stopped inside a frame (Node reports that itself). */
  end(): string | undefined {
    return this.error;
  }

  private advance(): void {
    const bytes = Buffer.from(this.head);
    this.head = [];
    switch (this.step) {
      case 'magic': {
        const magic = bytes.readUInt32LE(0);
        if (magic === 0xfd2fb528) {
          this.step = 'frame-header';
          this.need = 1;
        } else if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) {
          this.step = 'skippable-size';
          this.need = 4;
        } else {
          this.error = 'data after the last zstd frame that is not a frame (Docker refuses it: magic number mismatch)';
        }
        return;
      }
      case 'skippable-size':
        this.skip = bytes.readUInt32LE(0);
        this.toMagic();
        return;
      case 'frame-header': {
        // The descriptor byte, then the window descriptor, dictionary id and content size it announces.
        const descriptor = bytes[0]!;
        const singleSegment = (descriptor >>> 5) & 1;
        this.checksum = ((descriptor >>> 2) & 1) === 1;
        this.skip = (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3]! + [singleSegment, 2, 4, 8][descriptor >>> 6]!;
        this.step = 'block-header';
        this.need = 3;
        return;
      }
      case 'block-header': {
        const header = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16);
        const last = (header & 1) === 1;
        const type = (header >>> 1) & 3;
        const size = header >>> 3;
        if (type === 3) {
          this.error = 'a zstd block of the reserved type';
          return;
        }
        this.skip = type === 1 ? 1 : size; // an RLE block stores one byte
        if (last) {
          if (this.checksum) {
            this.step = 'checksum';
            this.need = 4;
          } else this.toMagic();
        }
        return;
      }
      case 'checksum':
        this.toMagic();
        return;
    }
  }

  private toMagic(): void {
    this.step = 'magic';
    this.need = 4;
  }
}
