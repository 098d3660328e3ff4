/**
 * Tar names are bytes, and so are the paths Docker creates from them (Go strings are bytes; the kernel
 * compares bytes). Decoding them as UTF-8 the usual way turns every invalid byte into U+FFFD, so two
 * different names ("a\xff", "a\xfe") would become one path in our model: a file hidden that Docker keeps.
 *
 * So names are decoded losslessly: valid UTF-8 as usual (the fast path, almost every name), and each byte
 * that is not part of a valid sequence as the lone surrogate U+DC80 + (byte - 0x80), as Python's
 * "surrogateescape" does. Valid UTF-8 never decodes to a lone surrogate, so the mapping is one to one and
 * strings compare exactly as the bytes do. `displayName` shows such bytes as `\xNN`.
 */

const REPLACEMENT = 0xfffd;

/** String.prototype.isWellFormed (ES2024; Node 20+), which this project's TypeScript lib does not declare yet. */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** Length of the valid UTF-8 sequence starting at `i` (RFC 3629: no overlongs, surrogates or > U+10FFFF), or 0. */
function sequenceLength(bytes: Uint8Array, i: number, end: number): number {
  const lead = bytes[i]!;
  const cont = (at: number): boolean => at < end && (bytes[at]! & 0xc0) === 0x80;
  if (lead >= 0xc2 && lead <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const second = bytes[i + 1];
    if (second === undefined || i + 1 >= end) return 0;
    if (lead === 0xe0 && second < 0xa0) return 0; // overlong
    if (lead === 0xed && second > 0x9f) return 0; // a surrogate
    return cont(i + 1) && cont(i + 2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const second = bytes[i + 1];
    if (second === undefined || i + 1 >= end) return 0;
    if (lead === 0xf0 && second < 0x90) return 0; // overlong
    if (lead === 0xf4 && second > 0x8f) return 0; // above U+10FFFF
    return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

function decodeEscaping(bytes: Buffer, start: number, end: number): string {
  let out = '';
  let run = start; // start of the valid run not yet decoded
  for (let i = start; i < end; ) {
    if (bytes[i]! < 0x80) {
      i++;
      continue;
    }
    const length = sequenceLength(bytes, i, end);
    if (length > 0) {
      i += length;
      continue;
    }
    out += bytes.toString('utf8', run, i) + String.fromCharCode(0xdc00 + bytes[i]!);
    i++;
    run = i;
  }
  return out + bytes.toString('utf8', run, end);
}

/** The bytes `start..end` as a string, one to one (see above). */
export function decodeName(bytes: Buffer, start: number, end: number): string {
  const text = bytes.toString('utf8', start, end);
  // Only a name with a replacement character can hold an invalid byte (or a genuine U+FFFD, decoded alike).
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === REPLACEMENT) return decodeEscaping(bytes, start, end);
  return text;
}

/** The bytes a decoded name came from (the inverse of decodeName). */
export function encodeName(name: string): Buffer {
  if (isWellFormed(name)) return Buffer.from(name, 'utf8');
  const parts: Buffer[] = [];
  let run = 0;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && (name.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++; // a pair: one valid astral character, whose low half may look like an escape
      continue;
    }
    if (code >= 0xdc80 && code <= 0xdcff) {
      parts.push(Buffer.from(name.slice(run, i), 'utf8'), Buffer.of(code - 0xdc00));
      run = i + 1;
    }
  }
  parts.push(Buffer.from(name.slice(run), 'utf8'));
  return Buffer.concat(parts);
}

/** Bytes of a decoded name: what the kernel counts against PATH_MAX and NAME_MAX. */
export function nameByteLength(name: string): number {
  if (isWellFormed(name)) return Buffer.byteLength(name, 'utf8');
  return encodeName(name).length;
}

/** A decoded name for people: escaped invalid bytes shown as `\xNN` (anything else is the reporter's to escape). */
export function displayName(name: string): string {
  if (isWellFormed(name)) return name;
  return name.replace(/[\udc80-\udcff]/gu, (c) => '\\x' + (c.charCodeAt(0) - 0xdc00).toString(16).padStart(2, '0'));
}
