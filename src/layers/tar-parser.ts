/**
 * A push parser for the tar stream of one layer: headers are decoded synchronously as bytes arrive, file
 * bodies are skipped (or handed over, for the few files a capture keeps) without a stream, a promise or a
 * callback per entry. A layer of 100,000 small files is mostly headers, and tar-stream's per-entry stream
 * cost more than everything else we do with them.
 *
 * Decoding follows tar-stream 3 (which reads the archives around the layers) rule for rule, so both agree on
 * every name: ustar prefix, GNU long names and links ('L'/'K'), PAX path/linkpath/size (per-file headers
 * merged over a global one, which on its own applies to nothing), base-256 numbers, checksum, an all-zero
 * block skipped, a directory's size field ignored, the type from the typeflag alone.
 */

export type TarEntryType =
  | 'file'
  | 'link'
  | 'symlink'
  | 'character-device'
  | 'block-device'
  | 'directory'
  | 'fifo'
  | 'contiguous-file'
  | null;

export interface TarHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  type: TarEntryType;
  linkname: string | null;
}

export interface TarHandler {
  /** Return true to receive the entry's body through `body` (then `bodyEnd`); false to skip it. */
  entry(header: TarHeader): boolean;
  body?(chunk: Buffer): void;
  bodyEnd?(): void;
}

const BLOCK = 512;
const MAX_LONG_HEADER = 4 * 1024 * 1024; // tar-stream's limit for a PAX or GNU long-name record
const EMPTY_CHECKSUM = 8 * 32;

/** "ustar" at offset 257, then NUL (POSIX) or a space (GNU, whose version field is then " \0"). */
function isUstar(block: Buffer, at: number): boolean {
  return block[at + 257] === 0x75 && block[at + 258] === 0x73 && block[at + 259] === 0x74 && block[at + 260] === 0x61 && block[at + 261] === 0x72;
}

type Pending = 'gnu-long-path' | 'gnu-long-link-path' | 'pax-header' | 'pax-global-header';

/** Typeflag byte minus '0', as tar-stream computes it ('x' = 72, 'g' = 55, 'L' = 28, 'K' = 27, 'N' = 30). */
function typeOf(flag: number): TarEntryType | Pending {
  switch (flag) {
    case 0: return 'file';
    case 1: return 'link';
    case 2: return 'symlink';
    case 3: return 'character-device';
    case 4: return 'block-device';
    case 5: return 'directory';
    case 6: return 'fifo';
    case 7: return 'contiguous-file';
    case 72: return 'pax-header';
    case 55: return 'pax-global-header';
    case 27: return 'gnu-long-link-path';
    case 28:
    case 30: return 'gnu-long-path';
    default: return null;
  }
}

function indexOf(block: Buffer, byte: number, start: number, end: number): number {
  for (let i = start; i < end; i++) if (block[i] === byte) return i;
  return end;
}

function decodeStr(block: Buffer, start: number, length: number): string {
  return block.toString('utf8', start, indexOf(block, 0, start, start + length));
}

function parse256(field: Buffer): number | null {
  let positive: boolean;
  if (field[0] === 0x80) positive = true;
  else if (field[0] === 0xff) positive = false;
  else return null;
  let sum = 0;
  let scale = 1;
  for (let i = field.length - 1; i > 0; i--) {
    sum += (positive ? field[i]! : 0xff - field[i]!) * scale;
    scale *= 256;
  }
  return positive ? sum : -sum;
}

/** A numeric field: octal digits (leading spaces and NULs skipped, up to a space or NUL), or base-256. */
function decodeOct(block: Buffer, start: number, length: number): number | null {
  if (block[start]! & 0x80) return parse256(block.subarray(start, start + length));
  const end = start + length;
  let offset = start;
  while (offset < end && block[offset] === 0x20) offset++; // old tars pad with leading spaces
  while (offset < end && block[offset] === 0) offset++;
  // Digits by hand, not parseInt(toString()): this runs seven times per header, and headers are most of a
  // layer of small files. Anything but a digit or a terminator takes tar-stream's own path, to agree exactly.
  let value = 0;
  for (let i = offset; i < end; i++) {
    const byte = block[i]!;
    if (byte === 0x20 || byte === 0) break;
    if (byte < 0x30 || byte > 0x37) return parseInt(block.toString('utf8', offset, indexOf(block, 0x20, offset, end)), 8);
    value = value * 8 + (byte - 0x30);
  }
  return value;
}

/** A 32-bit view of the memory under the last buffer a header was read from (chunks are reused, so this is one view per buffer). */
let wordsOf: ArrayBufferLike | undefined;
let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/*
 * Numeric fields as tar writers fill them (GNU tar, Go's archive/tar): zero-padded octal digits and a
 * terminator, "%07o\0" for mode, uid and gid, "%06o\0 " for the checksum, "%011o\0" for the size. Those
 * forms are decoded a 4-byte word at a time (little-endian: a word's first byte is its low byte); anything
 * else gives -1, and decodeOct reads the field byte by byte.
 */

/** Whether each byte of `word` under `mask` is an octal digit. */
function octalDigits(word: number, mask: number): boolean {
  return (word & (0xf8f8f8f8 & mask)) === (0x30303030 & mask);
}

function isTerminator(byte: number): boolean {
  return byte === 0 || byte === 0x20;
}

/** The value of the four digits of a word that octalDigits() accepted. */
function fourDigits(word: number): number {
  const d = word - 0x30303030;
  return ((d & 0xff) << 9) | (((d >>> 8) & 0xff) << 6) | (((d >>> 16) & 0xff) << 3) | (d >>> 24);
}

/** The value of the three digits in the low bytes of a word that octalDigits() accepted under 0x00ffffff. */
function threeDigits(word: number): number {
  const d = (word & 0x00ffffff) - 0x303030;
  return ((d & 0xff) << 6) | (((d >>> 8) & 0xff) << 3) | (d >>> 16);
}

function octal8(w: Uint32Array<ArrayBufferLike>, at: number): number {
  const first = w[at]!;
  const second = w[at + 1]!;
  if (!octalDigits(first, 0xffffffff)) return -1;
  // Seven digits and a terminator.
  if (octalDigits(second, 0x00ffffff) && isTerminator(second >>> 24)) return fourDigits(first) * 512 + threeDigits(second);
  // Six digits and a terminator (the checksum's form).
  if (octalDigits(second, 0x0000ffff) && isTerminator((second >>> 16) & 0xff)) {
    const d = second - 0x3030;
    return fourDigits(first) * 64 + (((d & 0xff) << 3) | ((d >>> 8) & 0xff));
  }
  return -1;
}

/** Eleven digits and a terminator (the size). */
function octal12(w: Uint32Array<ArrayBufferLike>, at: number): number {
  const first = w[at]!;
  const second = w[at + 1]!;
  const third = w[at + 2]!;
  if (!octalDigits(first, 0xffffffff) || !octalDigits(second, 0xffffffff) || !octalDigits(third, 0x00ffffff) || !isTerminator(third >>> 24)) return -1;
  return (fourDigits(first) * 4096 + fourDigits(second)) * 512 + threeDigits(third);
}

/**
 * The index in `words` of the header block at `at`, after making `words` the view of its memory (chunks are
 * reused, so that is one view per buffer); -1 when the block is not 4-byte aligned.
 */
function wordIndex(block: Buffer, at: number): number {
  const address = block.byteOffset + at;
  if ((address & 3) !== 0) return -1;
  if (wordsOf !== block.buffer) {
    wordsOf = block.buffer;
    words = new Uint32Array(block.buffer, 0, block.buffer.byteLength >>> 2);
  }
  return address >>> 2;
}

/** A numeric field at `offset` (a multiple of 4) of the header at `at`, whose word index is `word` (-1: unaligned). */
function numberField(block: Buffer, at: number, word: number, offset: number, length: 8 | 12): number | null {
  if (word >= 0) {
    const value = length === 8 ? octal8(words, word + (offset >>> 2)) : octal12(words, word + (offset >>> 2));
    if (value >= 0) return value;
  }
  return decodeOct(block, at + offset, length);
}

/**
 * Sum of the header's bytes with the checksum field (bytes 148-155) counted as spaces. This touches every
 * byte of every header, so when the block is 4-byte aligned it adds its words' even and odd bytes into two
 * 16-bit lanes each (126 words of at most 255 per lane stay below 65536): about 3x faster than by byte.
 */
function checksum(block: Buffer, at: number, word: number): number {
  if (word < 0) {
    let sum = EMPTY_CHECKSUM;
    for (let i = at; i < at + 148; i += 4) sum += block[i]! + block[i + 1]! + block[i + 2]! + block[i + 3]!;
    for (let i = at + 156; i < at + BLOCK; i += 4) sum += block[i]! + block[i + 1]! + block[i + 2]! + block[i + 3]!;
    return sum;
  }
  const w = words;
  const first = word;
  // Four words a round, even and odd bytes in two sums: fewer dependent additions per word.
  let even = 0;
  let odd = 0;
  for (let i = first; i < first + 36; i += 4) {
    const a = w[i]!, b = w[i + 1]!, c = w[i + 2]!, d = w[i + 3]!;
    even += (a & 0x00ff00ff) + (b & 0x00ff00ff) + (c & 0x00ff00ff) + (d & 0x00ff00ff);
    odd += ((a >>> 8) & 0x00ff00ff) + ((b >>> 8) & 0x00ff00ff) + ((c >>> 8) & 0x00ff00ff) + ((d >>> 8) & 0x00ff00ff);
  }
  // Word 36 (bytes 144-147) alone; words 37-38 are the checksum field.
  even += w[first + 36]! & 0x00ff00ff;
  odd += (w[first + 36]! >>> 8) & 0x00ff00ff;
  for (let i = first + 39; i < first + 127; i += 4) {
    const a = w[i]!, b = w[i + 1]!, c = w[i + 2]!, d = w[i + 3]!;
    even += (a & 0x00ff00ff) + (b & 0x00ff00ff) + (c & 0x00ff00ff) + (d & 0x00ff00ff);
    odd += ((a >>> 8) & 0x00ff00ff) + ((b >>> 8) & 0x00ff00ff) + ((c >>> 8) & 0x00ff00ff) + ((d >>> 8) & 0x00ff00ff);
  }
  even += w[first + 127]! & 0x00ff00ff;
  odd += (w[first + 127]! >>> 8) & 0x00ff00ff;
  return EMPTY_CHECKSUM + (even & 0xffff) + (even >>> 16) + (odd & 0xffff) + (odd >>> 16);
}

function decodePax(record: Buffer): Record<string, string> {
  const result: Record<string, string> = {};
  let buf = record;
  while (buf.length) {
    let i = 0;
    while (i < buf.length && buf[i] !== 0x20) i++;
    const length = parseInt(buf.toString('utf8', 0, i), 10);
    if (!length) return result;
    // A record longer than what is left cannot be right (tar-stream reads on; libarchive and GNU tar refuse).
    if (length > buf.length) throw new Error(`PAX record length ${length} exceeds the ${buf.length} bytes left of its header`);
    const line = buf.toString('utf8', i + 1, length - 1);
    const eq = line.indexOf('=');
    if (eq === -1) return result;
    result[line.slice(0, eq)] = line.slice(eq + 1);
    buf = buf.subarray(length);
  }
  return result;
}

/** A header as decoded, before it is known to describe an entry rather than a PAX or GNU long-name record. */
interface RawHeader extends Omit<TarHeader, 'type'> {
  type: TarEntryType | Pending;
}

/**
 * The header block at `at` of `block` (read in place: a layer of small files is mostly headers, and a
 * Buffer per header was a measurable share of the garbage). Undefined for an all-zero block
 * (end-of-archive padding, skipped like tar-stream does).
 */
function decodeHeader(block: Buffer, at: number): RawHeader | undefined {
  const word = wordIndex(block, at);
  const sum = checksum(block, at, word);
  if (sum === EMPTY_CHECKSUM) return undefined;
  if (sum !== numberField(block, at, word, 148, 8)) throw new Error('Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?');
  let name = decodeStr(block, at, 100);
  const ustar = isUstar(block, at);
  if (ustar && block[at + 262] === 0) {
    if (block[at + 345]) name = decodeStr(block, at + 345, 155) + '/' + name;
  } else if (!(ustar && block[at + 262] === 0x20 && block[at + 263] === 0x20 && block[at + 264] === 0)) {
    throw new Error('Invalid tar header: unknown format.');
  }
  const flag = block[at + 156]!;
  return {
    name,
    mode: numberField(block, at, word, 100, 8) ?? 0,
    uid: numberField(block, at, word, 108, 8) ?? 0,
    gid: numberField(block, at, word, 116, 8) ?? 0,
    size: numberField(block, at, word, 124, 12) ?? 0, // an unreadable base-256 size: tar-stream, too, reads no body
    // tar-stream takes the type from the typeflag alone: its rule for old tars (a '0' entry whose name ends in
    // "/" is a directory) comes after it has set the type, so it never applies. Agree with it, not with tar(1).
    type: typeOf(flag === 0 ? 0 : flag - 48),
    linkname: block[at + 157] === 0 ? null : decodeStr(block, at + 157, 100),
  };
}

function isPending(type: RawHeader['type']): type is Pending {
  return type === 'pax-header' || type === 'pax-global-header' || type === 'gnu-long-path' || type === 'gnu-long-link-path';
}

const enum State {
  Header,
  LongHeader,
  Body,
  Skip,
}

export class TarParser {
  private state = State.Header;
  /** Bytes still to come of the current body, long-header record or padding. */
  private missing = 0;
  /** Padding after the current body, up to the next 512-byte boundary. */
  private padding = 0;
  /** A header block or long-header record split across chunks. */
  private partial: Buffer[] = [];
  private partialLength = 0;
  private longType: Pending | undefined;
  private longSize = 0;
  private gnuLongPath: string | undefined;
  private gnuLongLinkPath: string | undefined;
  private pax: Record<string, string> | undefined;
  private paxGlobal: Record<string, string> | undefined;

  /** Set by `pause()` from inside a handler: `write` returns at once, with what it has consumed so far. */
  private paused = false;
  /**
   * Bytes of the stream consumed so far. Inside `entry` it is where the entry's body starts (the header is
   * consumed); between writes, the sum of what they consumed.
   */
  position = 0;

  constructor(private readonly handler: TarHandler) {}

  /**
   * Stop the current `write` after the handler call in progress (an entry, a body chunk or a body's end).
   * The caller passes the rest of its chunk to the next `write`.
   */
  pause(): void {
    this.paused = true;
  }

  /** Parse `chunk`; returns the bytes consumed: all of them, unless a handler paused the parser. */
  write(chunk: Buffer): number {
    let offset = 0;
    const length = chunk.length;
    const before = this.position;
    this.paused = false;
    while (offset < length && !this.paused) {
      switch (this.state) {
        case State.Body:
        case State.Skip: {
          const take = Math.min(this.missing, length - offset);
          if (this.state === State.Body && take > 0) this.handler.body!(chunk.subarray(offset, offset + take));
          offset += take;
          this.missing -= take;
          if (this.missing === 0) this.endBody();
          break;
        }
        case State.Header: {
          if (this.partialLength === 0 && length - offset >= BLOCK) {
            offset += BLOCK;
            this.position = before + offset;
            this.header(chunk, offset - BLOCK);
          } else {
            offset += this.gather(chunk, offset, BLOCK);
            this.position = before + offset;
            if (this.partialLength === BLOCK) this.header(this.takePartial(), 0);
          }
          break;
        }
        case State.LongHeader: {
          if (this.partialLength === 0 && length - offset >= this.longSize) {
            offset += this.longSize;
            this.longHeader(chunk.subarray(offset - this.longSize, offset));
          } else {
            offset += this.gather(chunk, offset, this.longSize);
            if (this.partialLength === this.longSize) this.longHeader(this.takePartial());
          }
          break;
        }
      }
    }
    this.position = before + offset;
    return offset;
  }

  /**
   * Step over the rest of the current entry's body and padding without being given its bytes (the caller
   * seeks past them); returns how many bytes that is. 0 when no body is pending.
   */
  skipBody(): number {
    if (this.state !== State.Body && this.state !== State.Skip) return 0;
    const skipped = this.missing + this.padding;
    this.missing = 0;
    this.padding = 0;
    this.state = State.Header;
    this.position += skipped;
    return skipped;
  }

  /** Throws when the stream stopped inside a header or a body, as tar-stream does ("Unexpected end of data"). */
  end(): void {
    if (this.state !== State.Header || this.partialLength !== 0) throw new Error('Unexpected end of data');
  }

  private gather(chunk: Buffer, offset: number, want: number): number {
    const take = Math.min(want - this.partialLength, chunk.length - offset);
    // Copied: the caller may reuse its buffer (zlib output is ours to keep, but a fs chunk slice pins a whole 1 MiB).
    this.partial.push(Buffer.from(chunk.subarray(offset, offset + take)));
    this.partialLength += take;
    return take;
  }

  private takePartial(): Buffer {
    const whole = this.partial.length === 1 ? this.partial[0]! : Buffer.concat(this.partial, this.partialLength);
    this.partial = [];
    this.partialLength = 0;
    return whole;
  }

  private header(block: Buffer, at: number): void {
    const raw = decodeHeader(block, at);
    if (!raw) return;
    if (isPending(raw.type)) {
      if (raw.size > MAX_LONG_HEADER) throw new Error('Header exceeds max size');
      // tar-stream loses its way in the blocks that follow such a record; an error is the honest answer.
      if (!(raw.size >= 0)) throw new Error('Invalid header');
      this.longType = raw.type;
      this.longSize = raw.size;
      this.padding = padding(raw.size);
      if (raw.size === 0) this.longHeader(Buffer.alloc(0));
      else this.state = State.LongHeader;
      return;
    }
    const header = raw as TarHeader;
    this.applyLongHeaders(header); // a PAX size may replace an unreadable size field
    if (!(header.size >= 0)) throw new Error('Invalid header');
    // tar-stream (and POSIX) store no data blocks after a directory, whatever its size field says.
    const size = header.type === 'directory' ? 0 : header.size;
    const wantsBody = this.handler.entry(header);
    this.missing = size;
    this.padding = padding(size);
    if (size === 0) {
      if (wantsBody) this.handler.bodyEnd!();
      return;
    }
    this.state = wantsBody ? State.Body : State.Skip;
  }

  private longHeader(record: Buffer): void {
    switch (this.longType) {
      case 'gnu-long-path':
        this.gnuLongPath = decodeStr(record, 0, record.length);
        break;
      case 'gnu-long-link-path':
        this.gnuLongLinkPath = decodeStr(record, 0, record.length);
        break;
      case 'pax-global-header':
        this.paxGlobal = decodePax(record);
        break;
      case 'pax-header':
        this.pax = this.paxGlobal === undefined ? decodePax(record) : { ...this.paxGlobal, ...decodePax(record) };
        break;
    }
    this.skipPadding();
  }

  private applyLongHeaders(header: TarHeader): void {
    // Empty GNU names are dropped, as tar-stream drops them.
    if (this.gnuLongPath !== undefined) {
      if (this.gnuLongPath) header.name = this.gnuLongPath;
      this.gnuLongPath = undefined;
    }
    if (this.gnuLongLinkPath !== undefined) {
      if (this.gnuLongLinkPath) header.linkname = this.gnuLongLinkPath;
      this.gnuLongLinkPath = undefined;
    }
    if (this.pax !== undefined) {
      if (this.pax.path) header.name = this.pax.path;
      if (this.pax.linkpath) header.linkname = this.pax.linkpath;
      if (this.pax.size) header.size = parseInt(this.pax.size, 10);
      this.pax = undefined;
    }
  }

  private endBody(): void {
    if (this.state === State.Body) this.handler.bodyEnd!();
    this.skipPadding();
  }

  /** After a body or long-header record: skip to the next block boundary, then expect a header. */
  private skipPadding(): void {
    if (this.padding > 0) {
      this.state = State.Skip;
      this.missing = this.padding;
      this.padding = 0;
    } else {
      this.state = State.Header;
    }
  }
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
