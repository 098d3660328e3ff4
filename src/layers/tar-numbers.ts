/**
 * The numeric fields of a tar header and its checksum, read as Go's archive/tar reads them
 * (strconv.go `parseNumeric`, `parseOctal`; format.go `getFormat`, `computeChecksum`), with fast paths for
 * the forms tar writers actually use. Every function returns NaN where Go sets `p.err` (ErrHeader).
 */

export const BLOCK = 512;

/**
 * Go's parseNumeric: base-256 when the first byte's high bit is set (two's complement, big-endian, the sign
 * in bit 6 of the first byte; more than 63 bits is an error), else parseOctal.
 */
export function parseNumeric(block: Buffer, start: number, length: number): number {
  if ((block[start]! & 0x80) === 0) return parseOctal(block, start, length);
  const invert = (block[start]! & 0x40) !== 0 ? 0xff : 0;
  let value = 0n;
  for (let i = 0; i < length; i++) {
    let byte = block[start + i]! ^ invert;
    if (i === 0) byte &= 0x7f;
    if (value >> 56n > 0n) return NaN; // overflow
    value = (value << 8n) | BigInt(byte);
  }
  if (value >> 63n > 0n) return NaN;
  // Go returns ^x for a negative number: -x - 1. Number() of the exact integer rounds as JSON would.
  return invert ? Number(-value - 1n) : Number(value);
}

/**
 * Go's parseOctal: trim spaces and NULs at both ends; empty is 0; else the text up to the first NUL must be
 * octal digits only (strconv.ParseUint(s, 8, 64)): "12 34" and "+7" are errors, "12\0junk" is 12.
 */
export function parseOctal(block: Buffer, start: number, length: number): number {
  let from = start;
  let to = start + length;
  while (from < to && (block[from] === 0x20 || block[from] === 0)) from++;
  while (to > from && (block[to - 1] === 0x20 || block[to - 1] === 0)) to--;
  if (from === to) return 0;
  let value = 0;
  for (let i = from; i < to; i++) {
    const byte = block[i]!;
    if (byte === 0) break;
    if (byte < 0x30 || byte > 0x37) return NaN;
    value = value * 8 + (byte - 0x30);
  }
  // At most 12 digits (36 bits) fit in any field: no uint64 overflow to check.
  return value;
}

/*
 * Numeric fields as tar writers fill them (GNU tar, Go's archive/tar): zero-padded octal digits and a
 * terminator, "%07o\0" for mode, uid and gid, "%06o\0 " for the checksum, "%011o\0" for size and mtime.
 * Those forms are decoded a 4-byte word at a time (little-endian: a word's first byte is its low byte);
 * anything else gives -1 and is read byte by byte (every form below reads the same either way).
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
  // Six digits, then NUL and a space or NUL (the checksum's form): Go trims both.
  if (octalDigits(second, 0x0000ffff) && ((second >>> 16) & 0xff) === 0 && isTerminator(second >>> 24)) {
    const d = second - 0x3030;
    return fourDigits(first) * 64 + (((d & 0xff) << 3) | ((d >>> 8) & 0xff));
  }
  return -1;
}

/** Eleven digits and a terminator (size, mtime). */
function octal12(w: Uint32Array<ArrayBufferLike>, at: number): number {
  const first = w[at]!;
  const second = w[at + 1]!;
  const third = w[at + 2]!;
  if (!octalDigits(first, 0xffffffff) || !octalDigits(second, 0xffffffff) || !octalDigits(third, 0x00ffffff) || !isTerminator(third >>> 24)) return -1;
  return (fourDigits(first) * 4096 + fourDigits(second)) * 512 + threeDigits(third);
}

/** A 32-bit view of the memory under the last buffer a header was read from (chunks are reused: one view per buffer). */
let wordsOf: ArrayBufferLike | undefined;
let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/**
 * The index in `words` of the header block at `at`, after making `words` the view of its memory; -1 when the
 * block is not 4-byte aligned.
 */
export function wordIndex(block: Buffer, at: number): number {
  const address = block.byteOffset + at;
  if ((address & 3) !== 0) return -1;
  if (wordsOf !== block.buffer) {
    wordsOf = block.buffer;
    words = new Uint32Array(block.buffer, 0, block.buffer.byteLength >>> 2);
  }
  return address >>> 2;
}

/** A numeric field at `offset` (a multiple of 4) of the header at `at`, whose word index is `word` (-1: unaligned). */
export function numberField(block: Buffer, at: number, word: number, offset: number, length: 8 | 12): number {
  if (word >= 0) {
    const value = length === 8 ? octal8(words, word + (offset >>> 2)) : octal12(words, word + (offset >>> 2));
    if (value >= 0) return value;
  }
  return parseNumeric(block, at + offset, length);
}

/** Sum of every byte but the checksum field (148-155), which counts as eight spaces: Go's unsigned sum. */
export function unsignedChecksum(block: Buffer, at: number, word: number): number {
  if (word < 0) {
    let sum = 8 * 0x20;
    for (let i = at; i < at + 148; i += 4) sum += block[i]! + block[i + 1]! + block[i + 2]! + block[i + 3]!;
    for (let i = at + 156; i < at + BLOCK; i += 4) sum += block[i]! + block[i + 1]! + block[i + 2]! + block[i + 3]!;
    return sum;
  }
  // This touches every byte of every header: the words' even and odd bytes are added in two 16-bit lanes each
  // (126 words of at most 255 per lane stay below 65536), four words a round: about 3x faster than by byte.
  const w = words;
  const first = word;
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
  return 8 * 0x20 + (even & 0xffff) + (even >>> 16) + (odd & 0xffff) + (odd >>> 16);
}

/** Go's signed sum (Sun tar summed signed bytes): the unsigned sum less 256 for every byte >= 0x80. */
export function signedChecksum(block: Buffer, at: number, unsigned: number): number {
  let high = 0;
  for (let i = at; i < at + BLOCK; i++) if (i - at < 148 || i - at >= 156) high += block[i]! >>> 7;
  return unsigned - 256 * high;
}

/** Every byte zero: what Go compares with `zeroBlock` (a block whose checksum field alone is set is not one). */
export function isZeroBlock(block: Buffer, at: number, unsigned: number): boolean {
  if (unsigned !== 8 * 0x20) return false; // some byte outside the checksum field is set
  for (let i = at + 148; i < at + 156; i++) if (block[i] !== 0) return false;
  return true;
}
