import type { EntryKind, LayerEntry } from '../model/entry.js';

/**
 * Layer entries packed into one buffer, to cross from a reading thread to the main thread. Structured clone
 * of the entry objects costs several times what parsing them did (measured: ~0.6 s for 370,000 entries);
 * this costs about one string and one object per entry on the receiving side.
 *
 * Per entry: kind (u8), flags (u8: 1 link target, 2 content), mode, uid, gid, size (f64 each: tar numbers
 * can exceed 32 bits), path length (u32; its top bit set for UTF-16) and UTF-8 bytes, then the link target likewise, then the content's
 * index in the side list of captured buffers (u32).
 */

const KINDS: readonly EntryKind[] = ['file', 'dir', 'symlink', 'hardlink', 'other', 'whiteout', 'opaque'];
const KIND_CODE = new Map(KINDS.map((kind, code) => [kind, code]));
const HAS_LINK = 1;
const HAS_CONTENT = 2;
const FIXED = 2 + 4 * 8 + 4;
/** Set in a string's length word when it is stored as UTF-16. */
const UTF16 = 0x80000000;

export interface EncodedEntries {
  count: number;
  /** Exactly the bytes written (its whole ArrayBuffer may be transferred). */
  bytes: Uint8Array;
  contents: Uint8Array[];
}

export function encodeEntries(entries: readonly LayerEntry[]): EncodedEntries {
  let buffer = Buffer.allocUnsafeSlow(Math.max(1024, entries.length * 64));
  let view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
  let at = 0;
  const contents: Uint8Array[] = [];
  const room = (bytes: number): void => {
    if (at + bytes <= buffer.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(buffer.length * 2, at + bytes));
    buffer.copy(bigger, 0, 0, at);
    buffer = bigger;
    view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
  };
  const writeString = (text: string): void => {
    room(4 + text.length * 3);
    // A name holding escaped bytes (lone surrogates, tar-names.ts) would not survive UTF-8: UTF-16 does.
    const wide = !(text as unknown as { isWellFormed(): boolean }).isWellFormed();
    const length = buffer.write(text, at + 4, wide ? 'utf16le' : 'utf8');
    view.setUint32(at, wide ? (length | UTF16) >>> 0 : length, true);
    at += 4 + length;
  };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    room(FIXED);
    buffer[at] = KIND_CODE.get(entry.kind)!;
    buffer[at + 1] = (entry.linkTarget !== undefined ? HAS_LINK : 0) | (entry.content !== undefined ? HAS_CONTENT : 0);
    view.setFloat64(at + 2, entry.mode, true);
    view.setFloat64(at + 10, entry.uid, true);
    view.setFloat64(at + 18, entry.gid, true);
    view.setFloat64(at + 26, entry.size, true);
    at += FIXED - 4;
    writeString(entry.path);
    if (entry.linkTarget !== undefined) writeString(entry.linkTarget);
    if (entry.content !== undefined) {
      room(4);
      view.setUint32(at, contents.length, true);
      at += 4;
      contents.push(entry.content);
    }
  }
  return { count: entries.length, bytes: buffer.subarray(0, at), contents };
}

export function decodeEntries(encoded: EncodedEntries): LayerEntry[] {
  const bytes = Buffer.from(encoded.bytes.buffer, encoded.bytes.byteOffset, encoded.bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const entries = new Array<LayerEntry>(encoded.count);
  let at = 0;
  const readString = (): string => {
    const word = view.getUint32(at, true);
    const length = word & ~UTF16;
    const text = bytes.toString(word & UTF16 ? 'utf16le' : 'utf8', at + 4, at + 4 + length);
    at += 4 + length;
    return text;
  };
  for (let i = 0; i < encoded.count; i++) {
    const kind = KINDS[bytes[at]!]!;
    const flags = bytes[at + 1]!;
    const mode = view.getFloat64(at + 2, true);
    const uid = view.getFloat64(at + 10, true);
    const gid = view.getFloat64(at + 18, true);
    const size = view.getFloat64(at + 26, true);
    at += FIXED - 4;
    // The same properties in the same order as the reader builds them: one object shape for all entries.
    const entry: LayerEntry = { mode, uid, gid, size, path: readString(), kind };
    if (flags & HAS_LINK) entry.linkTarget = readString();
    if (flags & HAS_CONTENT) {
      const content = encoded.contents[view.getUint32(at, true)]!;
      at += 4;
      entry.content = Buffer.from(content.buffer, content.byteOffset, content.length);
    }
    entries[i] = entry;
  }
  return entries;
}
