/**
 * A push parser for one tar stream that reads it exactly as Go's archive/tar reads it: the reader Docker
 * applies layers with (moby pkg/archive and containerd's archive package both call tar.NewReader), and
 * the one `docker load` unpacks its input with. Headers are decoded synchronously as bytes arrive; bodies
 * are skipped (or handed over, for the few files a capture keeps) without a stream, a promise or a
 * callback per entry: a layer of 100,000 small files is mostly headers.
 *
 * Every rule below names the Go code it follows (reader.go, format.go, strconv.go, common.go of Go 1.19,
 * which Debian's Docker 20.10 is built with, and of Go 1.25; where they differ it says so). Rules about what
 * the engine then does with an entry (types it refuses, whiteouts, `..`) are moby's, in entries.ts.
 */
import { decodeName } from './tar-names.js';
import { BLOCK, isZeroBlock, numberField, parseNumeric, parseOctal, signedChecksum, unsignedChecksum, wordIndex } from './tar-numbers.js';
import { TarFormatError, mergePax, parsePax, type PaxFields } from './tar-pax.js';
import { MAX_SPARSE_MAP_BYTES, SparseMap1x0, oldGnuFragments, paxSparseHeader, paxSparseVersion, sparseDataBytes, sparseMap0x1, type SparseFragment } from './tar-sparse.js';

export { TarFormatError } from './tar-pax.js';

export type TarEntryType =
  | 'file'
  | 'link'
  | 'symlink'
  | 'character-device'
  | 'block-device'
  | 'directory'
  | 'fifo'
  | 'contiguous-file'
  | 'gnu-sparse'
  | 'pax-global-header'
  | null;

export interface TarHeader {
  /** Decoded one to one from its bytes (tar-names.ts). */
  name: string;
  /** '' when there is none, as in Go. */
  linkname: string;
  /** The typeflag byte, after Go's one rewrite ('\0' becomes '0', or '5' for a name ending in "/"). */
  typeflag: number;
  type: TarEntryType;
  /** Go's Header.Size: the real size (of a sparse file: with its holes). */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** A GNU sparse file: its body holds only the data fragments (`size` counts the holes too). */
  sparse: boolean;
}

export interface TarHandler {
  /** Return true to receive the entry's stored body through `body` (then `bodyEnd`); false to skip it. */
  entry(header: TarHeader): boolean;
  body?(chunk: Buffer): void;
  bodyEnd?(): void;
}

/** Go's maxSpecialFileSize (format.go): the most a PAX header or a GNU long name/link may hold (ErrFieldTooLong). */
export const MAX_SPECIAL_FILE_BYTES = 1 << 20;

const TYPE_REG = 0x30; // '0'
const TYPE_REG_A = 0x00; // '\0', deprecated
const TYPE_DIR = 0x35; // '5'
const TYPE_PAX = 0x78; // 'x'
const TYPE_PAX_GLOBAL = 0x67; // 'g'
const TYPE_GNU_LONG_NAME = 0x4c; // 'L'
const TYPE_GNU_LONG_LINK = 0x4b; // 'K'
const TYPE_GNU_SPARSE = 0x53; // 'S'

/** Types '1'-'6' (link, symlink, char, block, dir, fifo): Go never reads a body for them, whatever the size field says (isHeaderOnlyType). */
function isHeaderOnly(typeflag: number): boolean {
  return typeflag >= 0x31 && typeflag <= 0x36;
}

function typeOf(typeflag: number): TarEntryType {
  switch (typeflag) {
    case 0x30: return 'file';
    case 0x31: return 'link';
    case 0x32: return 'symlink';
    case 0x33: return 'character-device';
    case 0x34: return 'block-device';
    case 0x35: return 'directory';
    case 0x36: return 'fifo';
    case 0x37: return 'contiguous-file';
    case TYPE_GNU_SPARSE: return 'gnu-sparse';
    case TYPE_PAX_GLOBAL: return 'pax-global-header';
    default: return null;
  }
}

/** Go's getFormat (format.go), after the checksum: which layout the block's magic says it has. */
const enum Format {
  V7,
  /** USTAR or PAX: magic "ustar\0", any version. */
  Ustar,
  /** Magic "ustar\0" and the trailer "tar\0" at 508. */
  Star,
  /** Magic "ustar " and version " \0". */
  Gnu,
}

function formatOf(block: Buffer, at: number): Format {
  const m = at + 257;
  if (block[m] !== 0x75 || block[m + 1] !== 0x73 || block[m + 2] !== 0x74 || block[m + 3] !== 0x61 || block[m + 4] !== 0x72) return Format.V7;
  if (block[m + 5] === 0) {
    const t = at + 508;
    return block[t] === 0x74 && block[t + 1] === 0x61 && block[t + 2] === 0x72 && block[t + 3] === 0 ? Format.Star : Format.Ustar;
  }
  if (block[m + 5] === 0x20 && block[m + 6] === 0x20 && block[m + 7] === 0) return Format.Gnu;
  return Format.V7;
}

/** Go's parseString: the bytes up to the first NUL (or the whole field). */
function fieldString(block: Buffer, start: number, length: number): string {
  let end = start;
  const limit = start + length;
  while (end < limit && block[end] !== 0) end++;
  return decodeName(block, start, end);
}

function isAsciiField(block: Buffer, start: number, length: number): boolean {
  for (let i = start; i < start + length && block[i] !== 0; i++) if (block[i]! >= 0x80) return false;
  return true;
}

/** A header as readHeader (reader.go) returns it, before next() applies PAX and GNU records to it. */
interface RawHeader extends PaxFields {
  typeflag: number;
  mode: number;
  format: Format;
}

function headerError(what: string): TarFormatError {
  return new TarFormatError(`Invalid tar header: ${what}`);
}

/**
 * readHeader, for a block that is not all zeros: the checksum (the unsigned or the signed sum, getFormat),
 * the magic, then every field. A numeric field Go cannot parse (size, mode, uid, gid, mtime; devmajor and
 * devminor past V7; atime and ctime of STAR) is ErrHeader, even one we never use.
 */
function readHeader(block: Buffer, at: number, word: number, unsigned: number): RawHeader {
  const stated = parseOctal(block, at + 148, 8);
  if (!(stated === unsigned || stated === signedChecksum(block, at, unsigned))) {
    throw headerError(Number.isNaN(stated) ? 'the checksum field is not a number' : 'checksum mismatch (maybe the tar is corrupted or needs decompressing)');
  }
  const format = formatOf(block, at);
  const raw: RawHeader = {
    typeflag: block[at + 156]!,
    name: fieldString(block, at, 100),
    linkname: fieldString(block, at + 157, 100),
    size: numberField(block, at, word, 124, 12),
    mode: numberField(block, at, word, 100, 8),
    uid: numberField(block, at, word, 108, 8),
    gid: numberField(block, at, word, 116, 8),
    format,
  };
  let valid = !Number.isNaN(raw.size + raw.mode + raw.uid + raw.gid + numberField(block, at, word, 136, 12)); // + mtime
  if (format !== Format.V7) {
    valid &&= !Number.isNaN(parseNumeric(block, at + 329, 8) + parseNumeric(block, at + 337, 8)); // devmajor, devminor
    const prefix = prefixOf(block, at, format);
    if (Number.isNaN(prefix)) valid = false;
    else if (typeof prefix === 'string' && prefix !== '') raw.name = prefix + '/' + raw.name;
  }
  if (!valid) throw headerError('a numeric field is not a number');
  return raw;
}

/**
 * The name prefix at 345 (readHeader): USTAR/PAX 155 bytes; STAR 131 bytes, its atime and ctime after it
 * (both must parse); GNU has no prefix but atime and ctime there, unless they do not parse (a pre-Go 1.8
 * writer's bug, golang.org/issue/12594): then the field is a prefix if it is ASCII.
 */
function prefixOf(block: Buffer, at: number, format: Format): string | number {
  if (format === Format.Ustar) return block[at + 345] === 0 ? '' : fieldString(block, at + 345, 155);
  if (format === Format.Star) {
    if (Number.isNaN(parseNumeric(block, at + 476, 12) + parseNumeric(block, at + 488, 12))) return NaN;
    return block[at + 345] === 0 ? '' : fieldString(block, at + 345, 131);
  }
  const atime = block[at + 345] === 0 ? 0 : parseNumeric(block, at + 345, 12);
  const ctime = block[at + 357] === 0 ? 0 : parseNumeric(block, at + 357, 12);
  if (!Number.isNaN(atime + ctime)) return '';
  return isAsciiField(block, at + 345, 155) ? fieldString(block, at + 345, 155) : '';
}

const enum State {
  /** At a block boundary, expecting a header. */
  Header,
  /** After one all-zero block: a second ends the archive; anything else is ErrHeader (readHeader). */
  SecondZero,
  /** The end-of-archive blocks were read: Go reads nothing more, so whatever follows is ignored. */
  End,
  /** Gathering the data of a PAX header or a GNU long name/link. */
  Special,
  /** Gathering the extension blocks of an old GNU sparse header. */
  SparseExtension,
  /** Gathering the blocks of a PAX 1.0 sparse map, from the start of the data. */
  SparseMap,
  Body,
  /** Skipping a body nobody wants. */
  Skip,
  /** Skipping the padding to the next block. */
  Padding,
}

/** What the PAX and GNU records read so far will apply to the next entry (reset by every entry, 'g' included). */
interface Pending {
  pax: Map<string, string> | undefined;
  gnuLongName: string;
  gnuLongLink: string;
}

const NOTHING_PENDING: Pending = { pax: undefined, gnuLongName: '', gnuLongLink: '' };

/** A sparse entry whose header is read, waiting for its map blocks before it can be handed over. */
interface Deferred {
  header: TarHeader;
  /** Bytes stored after the header: the data section as the size field (or PAX size) states it. */
  stored: number;
  fragments: SparseFragment[];
  map?: SparseMap1x0;
}

export class TarParser {
  private state = State.Header;
  /** Bytes still to come of the current body (or padding). */
  private missing = 0;
  /** Padding after the current body, up to the next 512-byte boundary. */
  private padding = 0;
  /** A header block or special record split across chunks. */
  private partial: Buffer[] = [];
  private partialLength = 0;
  /** The header of the special record being gathered (a 'g' entry keeps the fields its own records set). */
  private special: RawHeader | undefined;
  private pending: Pending = NOTHING_PENDING;
  private deferred: Deferred | undefined;
  /** Bytes of old GNU sparse map read so far (Go 1.25 counts the header's 97 against its 1 MiB). */
  private sparseMapBytes = 0;

  /** Set by `pause()` from inside a handler: `write` returns at once, with what it has consumed so far. */
  private paused = false;
  /**
   * Bytes of the stream consumed so far. Inside `entry` it is where the entry's stored body starts (the
   * header is consumed); between writes, the sum of what they consumed.
   */
  position = 0;

  constructor(private readonly handler: TarHandler) {}

  /** True once the end-of-archive blocks are read: every later byte is ignored, as Go never reads it. */
  get ended(): boolean {
    return this.state === State.End;
  }

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
        case State.Skip:
        case State.Padding: {
          const take = Math.min(this.missing, length - offset);
          if (this.state === State.Body && take > 0) this.handler.body!(chunk.subarray(offset, offset + take));
          offset += take;
          this.missing -= take;
          if (this.missing === 0) this.endBody();
          break;
        }
        case State.End:
          offset = length;
          break;
        default: {
          const want = this.state === State.Special ? this.special!.size : BLOCK;
          if (this.partialLength === 0 && length - offset >= want) {
            offset += want;
            this.position = before + offset;
            this.block(chunk, offset - want);
          } else {
            offset += this.gather(chunk, offset, want);
            this.position = before + offset;
            if (this.partialLength === want) this.block(this.takePartial(), 0);
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
    if (this.state !== State.Body && this.state !== State.Skip && this.state !== State.Padding) return 0;
    const skipped = this.missing + (this.state === State.Padding ? 0 : this.padding);
    this.missing = 0;
    this.padding = 0;
    this.state = State.Header;
    this.position += skipped;
    return skipped;
  }

  /**
   * The stream ended. Go ends cleanly (io.EOF) at a block boundary, after one zero block, after the end
   * blocks, or anywhere in the padding after a body (tryReadFull of the padding returns io.EOF); it fails
   * (io.ErrUnexpectedEOF) inside a header, a body, a special record or a sparse map.
   */
  end(): void {
    const atBoundary = (this.state === State.Header || this.state === State.SecondZero) && this.partialLength === 0;
    if (!(atBoundary || this.state === State.End || this.state === State.Padding)) throw new TarFormatError('Unexpected end of data');
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

  /** A whole block (or special record) at `at`, read in place: a Buffer per header was a measurable share of the garbage. */
  private block(block: Buffer, at: number): void {
    switch (this.state) {
      case State.Header:
        return this.header(block, at);
      case State.SecondZero:
        // readHeader: "zero block and then non-zero block" is ErrHeader; two zero blocks end the archive.
        if (!isZeroBlock(block, at, unsignedChecksum(block, at, wordIndex(block, at)))) throw headerError('a zero block is followed by data');
        this.state = State.End;
        return;
      case State.Special:
        return this.specialRecord(block.subarray(at, at + this.special!.size));
      case State.SparseExtension:
        return this.sparseExtension(block.subarray(at, at + BLOCK));
      case State.SparseMap:
        return this.sparseMapBlock(block.subarray(at, at + BLOCK));
    }
  }

  /** One pass of Go's next() loop: a header that is a record for the next entry, or an entry. */
  private header(block: Buffer, at: number): void {
    const word = wordIndex(block, at);
    const unsigned = unsignedChecksum(block, at, word);
    if (isZeroBlock(block, at, unsigned)) {
      this.state = State.SecondZero;
      return;
    }
    const raw = readHeader(block, at, word, unsigned);
    // handleRegularFile, before the type is looked at: a negative size is ErrHeader, except for header-only types.
    if (raw.size < 0 && !isHeaderOnly(raw.typeflag)) throw headerError('a negative size');
    switch (raw.typeflag) {
      case TYPE_PAX:
      case TYPE_PAX_GLOBAL:
      case TYPE_GNU_LONG_NAME:
      case TYPE_GNU_LONG_LINK:
        return this.startSpecial(raw);
      default:
        return this.entryHeader(raw, block, at);
    }
  }

  /** readSpecialFile: a PAX header or GNU long name/link of at most 1 MiB (ErrFieldTooLong past it). */
  private startSpecial(raw: RawHeader): void {
    if (raw.size > MAX_SPECIAL_FILE_BYTES) {
      throw new TarFormatError(`a '${String.fromCharCode(raw.typeflag)}' record of ${raw.size} bytes is over Go's limit of 1 MiB (archive/tar: header field too long)`);
    }
    this.special = raw;
    this.padding = padding(raw.size);
    if (raw.size === 0) this.specialRecord(Buffer.alloc(0));
    else this.state = State.Special;
  }

  private specialRecord(record: Buffer): void {
    const raw = this.special!;
    switch (raw.typeflag) {
      case TYPE_PAX:
        this.pending = { ...this.pending, pax: parsePax(record) }; // a second 'x' replaces the first: Go keeps one map
        break;
      case TYPE_PAX_GLOBAL:
        return this.globalHeader(raw, record);
      case TYPE_GNU_LONG_NAME:
        this.pending = { ...this.pending, gnuLongName: fieldString(record, 0, record.length) };
        break;
      case TYPE_GNU_LONG_LINK:
        this.pending = { ...this.pending, gnuLongLink: fieldString(record, 0, record.length) };
        break;
    }
    this.skipPadding();
  }

  /**
   * Go returns a PAX global header as an entry of its own (type 'g') with the fields its records set
   * (mergePAX, its errors ignored) and nothing else. The records and GNU names before it are dropped, and
   * it applies to no later entry (Go keeps no global state). moby ignores such entries.
   */
  private globalHeader(raw: RawHeader, record: Buffer): void {
    const records = parsePax(record);
    const fields: PaxFields = { name: raw.name, linkname: '', size: 0, uid: 0, gid: 0 };
    try {
      mergePax(fields, records);
    } catch {
      // ignored, as Go ignores mergePAX's error here
    }
    this.pending = NOTHING_PENDING;
    this.skipPadding();
    const header: TarHeader = { name: fields.name, linkname: '', typeflag: TYPE_PAX_GLOBAL, type: 'pax-global-header', size: 0, mode: 0, uid: 0, gid: 0, sparse: false };
    if (this.handler.entry(header)) this.handler.bodyEnd!(); // its bytes were the records, read already
  }

  /**
   * The default case of next(): PAX records merged over the header (mergePAX), then the GNU long name and
   * link, which win over PAX path and linkpath; '\0' becomes '5' for a name ending in "/", else '0'; the
   * size (maybe from PAX) checked again; then sparse maps (handleSparseFile).
   */
  private entryHeader(raw: RawHeader, block: Buffer, at: number): void {
    const { pax, gnuLongName, gnuLongLink } = this.pending;
    this.pending = NOTHING_PENDING;
    if (pax !== undefined) mergePax(raw, pax);
    if (gnuLongName !== '') raw.name = gnuLongName;
    if (gnuLongLink !== '') raw.linkname = gnuLongLink;
    let typeflag = raw.typeflag;
    if (typeflag === TYPE_REG_A) typeflag = raw.name.endsWith('/') ? TYPE_DIR : TYPE_REG;
    const headerOnly = isHeaderOnly(typeflag);
    if (raw.size < 0 && !headerOnly) throw headerError('a negative size');
    const stored = headerOnly ? 0 : raw.size;
    const header: TarHeader = { name: raw.name, linkname: raw.linkname, typeflag, type: typeOf(typeflag), size: raw.size, mode: raw.mode, uid: raw.uid, gid: raw.gid, sparse: false };
    if (typeflag === TYPE_GNU_SPARSE) return this.oldGnuSparse(header, stored, raw, block, at);
    const version = paxSparseVersion(pax);
    if (version === undefined) return this.emit(header, stored);
    // readGNUSparsePAXHeaders: the name and real size from GNU.sparse.*, then the map.
    if (headerOnly) throw headerError('a header-only type cannot be sparse');
    paxSparseHeader(pax!, header);
    header.sparse = true;
    if (version === '0.1') return this.emitSparse({ header, stored, fragments: sparseMap0x1(pax!) }, padding(stored));
    // 1.0: the map opens the data, read a block at a time (mustReadFull: a data section too short is an error).
    if (stored < BLOCK) throw new TarFormatError('Unexpected end of data');
    this.deferred = { header, stored, fragments: [], map: new SparseMap1x0() };
    this.missing = stored;
    this.padding = padding(stored);
    this.state = State.SparseMap;
  }

  /** readOldGNUSparseMap: only in a GNU-format block; the real size at 483; fragments, then extension blocks. */
  private oldGnuSparse(header: TarHeader, stored: number, raw: RawHeader, block: Buffer, at: number): void {
    if (raw.format !== Format.Gnu) throw headerError('a sparse entry outside the GNU format');
    const size = parseNumeric(block, at + 483, 12);
    if (Number.isNaN(size)) throw headerError('a numeric field is not a number');
    header.size = size;
    header.sparse = true;
    const deferred: Deferred = { header, stored, fragments: [] };
    if (!oldGnuFragments(block, at, false, deferred.fragments)) return this.emitSparse(deferred, padding(stored));
    this.deferred = deferred;
    this.sparseMapBytes = 97;
    this.state = State.SparseExtension;
  }

  private sparseExtension(block: Buffer): void {
    const deferred = this.deferred!;
    this.sparseMapBytes += BLOCK;
    if (this.sparseMapBytes >= MAX_SPARSE_MAP_BYTES) throw new TarFormatError('the GNU sparse map is too long');
    if (oldGnuFragments(block, 0, true, deferred.fragments)) return;
    this.deferred = undefined;
    this.emitSparse(deferred, padding(deferred.stored));
  }

  private sparseMapBlock(block: Buffer): void {
    const deferred = this.deferred!;
    this.missing -= BLOCK;
    if (!deferred.map!.add(block)) {
      if (this.missing < BLOCK) throw new TarFormatError('Unexpected end of data'); // the map runs past the data
      return;
    }
    this.deferred = undefined;
    // The map's blocks are whole: the padding is still that of the whole data section.
    this.emitSparse({ header: deferred.header, stored: this.missing, fragments: deferred.map!.fragments! }, this.padding);
  }

  /**
   * A sparse entry: Go checks its map (validateSparseEntries, ErrHeader) before it returns the entry, and the
   * stored bytes against the fragments only as the body is read (errMissData, errUnrefData): after it.
   */
  private emitSparse(deferred: Deferred, padBytes: number): void {
    const dataBytes = sparseDataBytes(deferred.fragments, deferred.header.size);
    this.emit(deferred.header, deferred.stored, padBytes);
    if (dataBytes !== deferred.stored) {
      throw new TarFormatError(dataBytes < deferred.stored ? 'archive/tar: sparse file contains unreferenced data' : 'archive/tar: sparse file references non-existent data');
    }
  }

  /** Hand an entry over; its stored body (`stored` bytes, then padding) follows. */
  private emit(header: TarHeader, stored: number, padBytes = padding(stored)): void {
    const wantsBody = this.handler.entry(header);
    this.missing = stored;
    this.padding = padBytes;
    if (stored === 0) {
      if (wantsBody) this.handler.bodyEnd!();
      this.skipPadding();
      return;
    }
    this.state = wantsBody ? State.Body : State.Skip;
  }

  private endBody(): void {
    if (this.state === State.Body) this.handler.bodyEnd!();
    if (this.state === State.Padding) this.state = State.Header;
    else this.skipPadding();
  }

  /** After a body or special record: skip to the next block boundary, then expect a header. */
  private skipPadding(): void {
    if (this.padding > 0) {
      this.state = State.Padding;
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
