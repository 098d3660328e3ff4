/**
 * GNU sparse files as Go's archive/tar reads them (reader.go `handleSparseFile`, `readOldGNUSparseMap`,
 * `readGNUSparsePAXHeaders`, `readGNUSparseMap1x0`, `readGNUSparseMap0x1`; common.go
 * `validateSparseEntries`). A sparse entry's size is its real (logical) size; the archive stores only its
 * data fragments. Go reads the fragments and fills the holes with NULs, and fails when the stored bytes are
 * more or fewer than the fragments (errUnrefData, errMissData): we check that sum instead of reading.
 *
 * Limits are the current Go's (1.25: errSparseTooLong): at most 1 MiB of sparse map and 1 << 20
 * fragments. Go 1.19 had none and read maps of any length; the 1 MiB bound is ours on purpose.
 */
import { BLOCK, parseNumeric } from './tar-numbers.js';
import { GNU_SPARSE_MAP, TarFormatError, parseGoInt } from './tar-pax.js';

export const MAX_SPARSE_MAP_BYTES = 1 << 20;
const MAX_SPARSE_ENTRIES = 1 << 20;

export interface SparseFragment {
  offset: number;
  length: number;
}

/** Old GNU ('S'): the fragments in a header (4 at 386) or an extension block (21 at 0); whether another block follows. */
export function oldGnuFragments(block: Buffer, at: number, extension: boolean, into: SparseFragment[]): boolean {
  const base = at + (extension ? 0 : 386);
  const count = extension ? 21 : 4;
  for (let i = 0; i < count; i++) {
    const entry = base + i * 24;
    if (block[entry] === 0) break; // GNU and BSD tar stop at an offset starting with NUL; so does Go
    const offset = parseNumeric(block, entry, 12);
    const length = parseNumeric(block, entry + 12, 12);
    if (Number.isNaN(offset) || Number.isNaN(length)) throw new TarFormatError('a GNU sparse map entry is not a number');
    if (into.length >= MAX_SPARSE_ENTRIES) throw new TarFormatError('the GNU sparse map is too long');
    into.push({ offset, length });
  }
  return block[base + count * 24]! > 0;
}

/** Which GNU PAX sparse version the records describe (Go's readGNUSparsePAXHeaders), or undefined: not sparse. */
export function paxSparseVersion(records: Map<string, string> | undefined): '0.1' | '1.0' | undefined {
  if (records === undefined) return undefined;
  const major = records.get('GNU.sparse.major') ?? '';
  const minor = records.get('GNU.sparse.minor') ?? '';
  if (major === '0' && (minor === '0' || minor === '1')) return '0.1';
  if (major === '1' && minor === '0') return '1.0';
  if (major !== '' || minor !== '') return undefined; // an unknown version: Go reads a regular file
  return (records.get(GNU_SPARSE_MAP) ?? '') !== '' ? '0.1' : undefined;
}

/** GNU.sparse.name and the real size (GNU.sparse.size, else GNU.sparse.realsize), as Go applies them. */
export function paxSparseHeader(records: Map<string, string>, fields: { name: string; size: number }): void {
  const name = records.get('GNU.sparse.name') ?? '';
  if (name !== '') fields.name = name;
  const size = records.get('GNU.sparse.size') || records.get('GNU.sparse.realsize') || '';
  if (size !== '') {
    const value = parseGoInt(size);
    if (Number.isNaN(value)) throw new TarFormatError('the GNU sparse size is not a decimal integer');
    fields.size = value;
  }
}

function countOf(text: string | undefined): number {
  const count = parseGoInt(text ?? '');
  if (!(count >= 0)) throw new TarFormatError('the GNU sparse map has an invalid entry count');
  return count;
}

function pairs(numbers: string[], count: number): SparseFragment[] {
  if (count > MAX_SPARSE_ENTRIES) throw new TarFormatError('the GNU sparse map is too long');
  const fragments: SparseFragment[] = [];
  for (let i = 0; i < count; i++) {
    const offset = parseGoInt(numbers[2 * i]!);
    const length = parseGoInt(numbers[2 * i + 1]!);
    if (Number.isNaN(offset) || Number.isNaN(length)) throw new TarFormatError('a GNU sparse map entry is not a decimal integer');
    fragments.push({ offset, length });
  }
  return fragments;
}

/** Version 0.0 / 0.1: the map lies in the records ("offset,length,..."), GNU.sparse.numblocks pairs of it. */
export function sparseMap0x1(records: Map<string, string>): SparseFragment[] {
  const count = countOf(records.get('GNU.sparse.numblocks'));
  const text = records.get(GNU_SPARSE_MAP) ?? '';
  const numbers = text === '' ? [] : text.split(',');
  if (numbers.length !== 2 * count) throw new TarFormatError('the GNU sparse map does not hold GNU.sparse.numblocks entries');
  return pairs(numbers, count);
}

/**
 * Version 1.0: the map opens the entry's data, in whole blocks: "count\n" then "offset\nlength\n" per
 * fragment (decimal, as GNU tar writes it). Fed one block at a time; `done` once enough newlines arrived.
 */
export class SparseMap1x0 {
  private readonly blocks: Buffer[] = [];
  private newlines = 0;
  private wanted = 1;
  private count = -1;
  fragments: SparseFragment[] | undefined;

  /** Take one data block; true when the map is complete (then `fragments` is set). */
  add(block: Buffer): boolean {
    if ((this.blocks.length + 1) * BLOCK > MAX_SPARSE_MAP_BYTES) throw new TarFormatError('the GNU sparse map is too long');
    this.blocks.push(Buffer.from(block));
    for (const byte of block) if (byte === 0x0a) this.newlines++;
    if (this.newlines < this.wanted) return false;
    const tokens = Buffer.concat(this.blocks).toString('latin1').split('\n');
    if (this.count < 0) {
      this.count = countOf(tokens[0]);
      this.wanted = 1 + 2 * this.count;
      if (this.newlines < this.wanted) return false;
    }
    this.fragments = pairs(tokens.slice(1), this.count);
    return true;
  }
}

/**
 * Go's validateSparseEntries: fragments in order, not overlapping, inside the real size; then the bytes the
 * archive must store for them (their sum, which must equal what the entry stores).
 */
export function sparseDataBytes(fragments: readonly SparseFragment[], size: number): number {
  if (size < 0) throw new TarFormatError('a sparse file has a negative size');
  let previousEnd = 0;
  let total = 0;
  for (const { offset, length } of fragments) {
    if (offset < 0 || length < 0 || offset > Number.MAX_SAFE_INTEGER - length || offset + length > size || previousEnd > offset) {
      throw new TarFormatError('the GNU sparse map is not valid (fragments out of order, overlapping or past the size)');
    }
    previousEnd = offset + length;
    total += length;
  }
  return total;
}
