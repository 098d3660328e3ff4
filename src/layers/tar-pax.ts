/**
 * PAX extended headers as Go's archive/tar reads them (reader.go `parsePAX`, `mergePAX`; strconv.go
 * `parsePAXRecord`, `validPAXRecord`, `parsePAXTime`). Any record Go refuses is an error here too: Go
 * returns ErrHeader, and Docker cannot load the layer.
 */
import { decodeName } from './tar-names.js';

export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

/** Go's strconv.ParseInt(s, 10, 64): an optional sign, then decimal digits only; out of int64 range is an error. */
export function parseGoInt(text: string): number {
  if (!/^[+-]?[0-9]+$/.test(text)) return NaN;
  const sign = text[0] === '-' || text[0] === '+' ? 1 : 0;
  let first = sign;
  while (first < text.length - 1 && text.charCodeAt(first) === 0x30) first++; // leading zeros are fine
  const digits = text.length - first;
  if (digits > 19) return NaN;
  if (digits < 16) return Number(text);
  const big = BigInt(text);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return NaN;
  return Number(big);
}

/** Go's parsePAXTime accepts "%d" or "%d.%d" (digits after the dot only); the value itself is not needed. */
function validPaxTime(text: string): boolean {
  const dot = text.indexOf('.');
  const seconds = dot === -1 ? text : text.slice(0, dot);
  if (Number.isNaN(parseGoInt(seconds))) return false;
  return dot === -1 || /^[0-9]*$/.test(text.slice(dot + 1));
}

/** Keys whose value Go reads as a name: a NUL in it makes the record invalid (validPAXRecord). */
const NAME_KEYS = new Set(['path', 'linkpath', 'uname', 'gname']);

export const GNU_SPARSE_MAP = 'GNU.sparse.map';

/**
 * The records of one PAX header, in Go's order of precedence: a later record with the same key replaces an
 * earlier one. GNU sparse 0.0's repeated `GNU.sparse.offset` / `GNU.sparse.numbytes` pairs are joined into
 * `GNU.sparse.map` as Go does, in order and strictly alternating. Keys are Latin-1 (they are only compared
 * with ASCII keys); values decoded one to one (tar-names.ts).
 */
export function parsePax(record: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  const sparseMap: string[] = [];
  let at = 0;
  while (at < record.length) {
    // "%d %s=%s\n": the length counts the whole record, its own digits included.
    let space = at;
    while (space < record.length && record[space] !== 0x20) space++;
    if (space === record.length) throw new TarFormatError('a PAX record has no length');
    const length = parseGoInt(record.toString('latin1', at, space));
    if (!(length >= 5) || length > record.length - at) throw new TarFormatError(`a PAX record's length (${record.toString('latin1', at, Math.min(space, at + 20))}) is invalid`);
    const end = at + length;
    if (end - (space + 1) <= 0 || record[end - 1] !== 0x0a) throw new TarFormatError('a PAX record does not end in a newline where its length says');
    let equals = space + 1;
    while (equals < end - 1 && record[equals] !== 0x3d) equals++;
    if (equals === end - 1) throw new TarFormatError('a PAX record has no "="');
    const key = record.toString('latin1', space + 1, equals);
    const valueStart = equals + 1;
    const valueEnd = end - 1;
    if (key === '') throw new TarFormatError('a PAX record has an empty key');
    const checkNul = NAME_KEYS.has(key) ? record.subarray(valueStart, valueEnd) : record.subarray(space + 1, equals);
    if (checkNul.includes(0)) throw new TarFormatError(`the PAX record ${key} holds a NUL byte`);
    if (key === 'GNU.sparse.offset' || key === 'GNU.sparse.numbytes') {
      const value = record.toString('latin1', valueStart, valueEnd);
      const expected = sparseMap.length % 2 === 0 ? 'GNU.sparse.offset' : 'GNU.sparse.numbytes';
      if (key !== expected || value.includes(',')) throw new TarFormatError('GNU sparse 0.0 records are out of order');
      sparseMap.push(value);
    } else {
      records.set(key, decodeName(record, valueStart, valueEnd));
    }
    at = end;
  }
  if (sparseMap.length > 0) records.set(GNU_SPARSE_MAP, sparseMap.join(','));
  return records;
}

/** The header fields a PAX record can replace (mergePAX). */
export interface PaxFields {
  name: string;
  linkname: string;
  size: number;
  uid: number;
  gid: number;
}

/**
 * Go's mergePAX: a record with an empty value keeps the header's field; path, linkpath, size, uid and gid
 * replace it; uid, gid and size must be decimal int64s and the times valid, or the header is invalid.
 * Other records (comment, charset, SCHILY.xattr.*, GNU.sparse.*) change no field we read.
 */
export function mergePax(fields: PaxFields, records: Map<string, string>): void {
  for (const [key, value] of records) {
    if (value === '') continue;
    switch (key) {
      case 'path':
        fields.name = value;
        break;
      case 'linkpath':
        fields.linkname = value;
        break;
      case 'size':
      case 'uid':
      case 'gid': {
        const number = parseGoInt(value);
        if (Number.isNaN(number)) throw new TarFormatError(`the PAX record ${key}=${value.slice(0, 40)} is not a decimal integer`);
        fields[key] = number;
        break;
      }
      case 'atime':
      case 'mtime':
      case 'ctime':
        if (!validPaxTime(value)) throw new TarFormatError(`the PAX record ${key}=${value.slice(0, 40)} is not a time`);
        break;
    }
  }
}
