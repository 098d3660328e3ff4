/**
 * JSON decoded as Go's `encoding/json` decodes it into a Go struct, for the documents Docker reads
 * (moby's image/tarexport and image packages, containerd's archive importer, image-spec's types).
 * JSON.parse gives a different answer on exactly the inputs an attacker would pick, so every rule below is
 * Go's (decode.go and fold.go of Go 1.19, the Go of Docker 20.10; current Go agrees on each one):
 *
 * - An object key picks the field whose JSON name equals it; failing that, the field whose name equals it
 *   case-insensitively (ASCII letters, plus U+017F ≡ s and U+212A ≡ k, as Go's fold does). Keys are applied
 *   in order, so **the last key for a field wins**: `{"User":"app","user":"0"}` runs as 0.
 * - Unknown keys are skipped (their value must still be valid JSON). Duplicate keys are allowed.
 * - A value decodes *into* what the field already holds: a second object for a struct or pointer field
 *   merges into the first; a map keeps its earlier keys; an array reuses the slice's earlier elements (and
 *   the stale ones past its length, up to its capacity, grown as Go 1.19 grows it).
 * - `null` sets a slice, map or pointer to nil and leaves anything else as it is.
 * - Strings: invalid UTF-8 bytes and lone surrogate escapes become U+FFFD, one per byte, as Go's decoder
 *   (not the WHATWG one in TextDecoder) replaces them.
 * - Numbers into integer fields must be integers in range (no fraction, no exponent); a type mismatch
 *   anywhere makes the whole document an error, as Docker treats any error from Unmarshal.
 * - `Unmarshal` refuses anything after the value; a `json.Decoder` (how moby reads manifest.json and
 *   containerd reads manifest.json and oci-layout) reads one value and ignores what follows.
 *
 * The decoder is one pass, linear in the input; unknown values are skipped without recursion.
 */

export type Shape =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'int'; min: bigint; max: bigint }
  /** strslice.StrSlice (moby): a JSON string or an array of strings; replaced whole, never merged. */
  | { kind: 'strslice' }
  /** time.Time as Go 1.19 parses it: RFC 3339 from the raw bytes of a JSON string (escapes not undone). */
  | { kind: 'time' }
  /** []byte: a base64 string (or an array of bytes). */
  | { kind: 'bytes' }
  | { kind: 'slice'; elem: Shape }
  | { kind: 'map'; elem: Shape }
  | { kind: 'ptr'; elem: Shape }
  | { kind: 'struct'; fields: Field[]; byName: Map<string, Field> };

export interface Field {
  /** The JSON name: the tag's name, or the Go field name. */
  name: string;
  shape: Shape;
}

export const shapes = {
  string: { kind: 'string' } as Shape,
  bool: { kind: 'bool' } as Shape,
  int64: { kind: 'int', min: -(2n ** 63n), max: 2n ** 63n - 1n } as Shape,
  int32: { kind: 'int', min: -(2n ** 31n), max: 2n ** 31n - 1n } as Shape,
  strslice: { kind: 'strslice' } as Shape,
  time: { kind: 'time' } as Shape,
  bytes: { kind: 'bytes' } as Shape,
  slice: (elem: Shape): Shape => ({ kind: 'slice', elem }),
  map: (elem: Shape): Shape => ({ kind: 'map', elem }),
  ptr: (elem: Shape): Shape => ({ kind: 'ptr', elem }),
  /** Fields in Go's order (embedded structs flattened, a shadowed field left out). */
  struct: (fields: Array<[string, Shape]>): Shape => {
    const list = fields.map(([name, shape]) => ({ name, shape }));
    return { kind: 'struct', fields: list, byName: new Map(list.map((field) => [field.name, field])) };
  },
};

/** A Go time as the instant it names: whole seconds since the Unix epoch and nanoseconds. */
export interface GoTime {
  seconds: number;
  nanos: number;
  /** The JSON text it came from, for messages. */
  text: string;
}

/** Why a document is refused: the Go error's kind and the field path (e.g. `config.User`). */
export class GoJsonError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 10000; // Go's maxNestingDepth

/** The Go slice header behind a decoded array: elements past its length survive up to its capacity. */
const BACKING = Symbol('go-slice-backing');
type GoSlice = unknown[] & { [BACKING]?: unknown[] };

export interface DecodeOptions {
  /** 'value': read one value and ignore the rest (json.Decoder); 'document': nothing but spaces after it (Unmarshal). */
  mode?: 'document' | 'value';
  /** Decode into this earlier result (containerd decodes each manifest.json member into one variable). */
  into?: unknown;
}

/** Decode `bytes` into a fresh (or given) Go value of `shape`; throws GoJsonError as Go would fail. */
export function decodeGo(bytes: Uint8Array, shape: Shape, options: DecodeOptions = {}): unknown {
  const decoder = new Decoder(bytes);
  decoder.skipSpace();
  if (decoder.at >= bytes.length) throw new GoJsonError(options.mode === 'value' ? 'empty (EOF)' : 'unexpected end of JSON input', '');
  const value = decoder.value(shape, options.into === undefined ? zeroValue(shape) : options.into, []);
  if (options.mode !== 'value') {
    decoder.skipSpace();
    if (decoder.at < bytes.length) throw decoder.syntax('after top-level value');
  }
  return value;
}

/** The zero value of a shape: "" / false / 0 / nil (null) / a struct of zero values. */
export function zeroValue(shape: Shape): unknown {
  switch (shape.kind) {
    case 'string': return '';
    case 'bool': return false;
    case 'int': return 0;
    case 'time': return ZERO_TIME;
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const field of shape.fields) out[field.name] = zeroValue(field.shape);
      return out;
    }
    default: return null;
  }
}

const ZERO_TIME: GoTime = { seconds: -62135596800, nanos: 0, text: '' };

const enum C {
  Quote = 0x22,
  Backslash = 0x5c,
  Comma = 0x2c,
  Colon = 0x3a,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
  OpenBracket = 0x5b,
  CloseBracket = 0x5d,
  Minus = 0x2d,
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

class Decoder {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  syntax(where: string): GoJsonError {
    const byte = this.bytes[this.at];
    const what = byte === undefined ? 'unexpected end of JSON input' : `invalid character ${JSON.stringify(String.fromCharCode(byte))} ${where}`;
    return new GoJsonError(what, '');
  }

  skipSpace(): void {
    while (this.at < this.bytes.length && isSpace(this.bytes[this.at]!)) this.at++;
  }

  private expect(byte: number, where: string): void {
    this.skipSpace();
    if (this.bytes[this.at] !== byte) throw this.syntax(where);
    this.at++;
  }

  private typeError(what: string, shape: Shape, path: string[]): GoJsonError {
    return new GoJsonError(`cannot unmarshal ${what} into a Go value of type ${goType(shape)}`, path.join('.'));
  }

  /** Decode the value at the cursor into `current` (the field's present value); returns the new value. */
  value(shape: Shape, current: unknown, path: string[]): unknown {
    this.skipSpace();
    const byte = this.bytes[this.at];
    // A pointer: null makes it nil; anything else decodes into its pointee, allocated if nil.
    if (shape.kind === 'ptr' && byte !== 0x6e) return this.value(shape.elem, current ?? zeroValue(shape.elem), path);
    if (shape.kind === 'strslice' || shape.kind === 'time') return this.unmarshaler(shape, current, path);
    switch (byte) {
      case C.OpenBrace: return this.object(shape, current, path);
      case C.OpenBracket: return this.array(shape, current, path);
      case C.Quote: {
        const text = this.string();
        if (shape.kind === 'string') return text;
        if (shape.kind === 'bytes') return decodeBase64(text, path);
        throw this.typeError('string', shape, path);
      }
      case 0x74: // t
      case 0x66: { // f
        const truth = this.literal(byte === 0x74 ? 'true' : 'false');
        if (shape.kind === 'bool') return truth;
        throw this.typeError('bool', shape, path);
      }
      case 0x6e: // n
        this.literal('null');
        return shape.kind === 'slice' || shape.kind === 'map' || shape.kind === 'ptr' || shape.kind === 'bytes' ? null : current;
      default: {
        if (byte !== C.Minus && !isDigit(byte)) throw this.syntax('looking for beginning of value');
        const text = this.number();
        if (shape.kind === 'int') return parseGoInt(text, shape, path);
        throw this.typeError(`number ${text}`, shape, path);
      }
    }
  }

  /** Types with an UnmarshalJSON of their own: they get the value's raw bytes. */
  private unmarshaler(shape: Shape, current: unknown, path: string[]): unknown {
    const start = this.at;
    this.skip();
    const raw = this.bytes.subarray(start, this.at);
    if (shape.kind === 'time') {
      if (raw.length === 4 && raw[0] === 0x6e) return current; // Time.UnmarshalJSON ignores null
      return parseGoTime(raw, path);
    }
    // StrSlice: json.Unmarshal into []string, else into string; null gives nil.
    const inner = new Decoder(raw);
    try {
      return inner.value(shapes.slice(shapes.string), null, path);
    } catch {
      if (raw[0] !== C.Quote) throw this.typeError(describeRaw(raw), shape, path);
      return [new Decoder(raw).string()];
    }
  }

  private object(shape: Shape, current: unknown, path: string[]): unknown {
    if (shape.kind !== 'struct' && shape.kind !== 'map') {
      const error = this.typeError('object', shape, path);
      this.skip();
      throw error;
    }
    this.at++; // {
    const target = (shape.kind === 'map' ? (current ?? Object.create(null)) : current) as Record<string, unknown>;
    this.skipSpace();
    if (this.bytes[this.at] === C.CloseBrace) {
      this.at++;
      return target;
    }
    for (;;) {
      this.skipSpace();
      if (this.bytes[this.at] !== C.Quote) throw this.syntax('looking for beginning of object key string');
      const key = this.string();
      this.expect(C.Colon, 'after object key');
      if (shape.kind === 'map') {
        target[key] = this.value(shape.elem, zeroValue(shape.elem), [...path, key]);
      } else {
        const field = shape.byName.get(key) ?? foldMatch(shape.fields, key);
        if (field) target[field.name] = this.value(field.shape, target[field.name], [...path, field.name]);
        else {
          this.skipSpace();
          this.skip();
        }
      }
      this.skipSpace();
      const next = this.bytes[this.at++];
      if (next === C.CloseBrace) return target;
      if (next !== C.Comma) {
        this.at--;
        throw this.syntax('after object key:value pair');
      }
    }
  }

  private array(shape: Shape, current: unknown, path: string[]): unknown {
    const elem = shape.kind === 'slice' ? shape.elem : shape.kind === 'bytes' ? BYTE : undefined;
    if (!elem) {
      const error = this.typeError('array', shape, path);
      this.skip();
      throw error;
    }
    this.at++; // [
    const old = (current ?? null) as GoSlice | null;
    // The backing array: the old slice's elements, then the stale ones past its length.
    let backing: unknown[] = old ? (old[BACKING] ?? old) : [];
    let capacity = backing.length;
    const out: GoSlice = [];
    let i = 0;
    this.skipSpace();
    if (this.bytes[this.at] === C.CloseBracket) this.at++;
    else {
      for (;;) {
        if (i >= capacity) {
          // Go 1.19: a new backing array of cap + cap/2 (at least 4) holding the first len elements.
          const grown = Math.max(4, capacity + Math.floor(capacity / 2));
          backing = backing.slice(0, i);
          capacity = grown;
        }
        const previous = backing[i] === undefined ? zeroValue(elem) : backing[i];
        const value = this.value(elem, previous, [...path, String(i)]);
        backing[i] = value;
        out.push(value);
        i++;
        this.skipSpace();
        const next = this.bytes[this.at++];
        if (next === C.CloseBracket) break;
        if (next !== C.Comma) {
          this.at--;
          throw this.syntax('after array element');
        }
      }
    }
    if (shape.kind === 'bytes') return Uint8Array.from(out as number[]);
    // An empty array gives a new, empty slice (not nil); its backing array is fresh.
    if (i > 0) Object.defineProperty(out, BACKING, { value: padTo(backing, capacity), enumerable: false });
    return out;
  }

  private literal(word: string): boolean {
    for (let i = 0; i < word.length; i++) {
      if (this.bytes[this.at] !== word.charCodeAt(i)) throw this.syntax(`in literal ${word} (expecting ${JSON.stringify(word[i])})`);
      this.at++;
    }
    // What follows is checked by the enclosing array or object, or at the top level by decodeGo (a
    // json.Decoder ends the value at any byte that cannot continue it: `null{}` is null).
    return word === 'true';
  }

  /** A number's text, checked against JSON's grammar. */
  private number(): string {
    const start = this.at;
    const b = this.bytes;
    if (b[this.at] === C.Minus) this.at++;
    if (b[this.at] === 0x30) this.at++;
    else if (isDigit(b[this.at]) && b[this.at] !== 0x30) while (isDigit(b[this.at])) this.at++;
    else throw this.syntax('in numeric literal');
    if (b[this.at] === 0x2e) {
      this.at++;
      if (!isDigit(b[this.at])) throw this.syntax('after decimal point in numeric literal');
      while (isDigit(b[this.at])) this.at++;
    }
    if (b[this.at] === 0x65 || b[this.at] === 0x45) {
      this.at++;
      if (b[this.at] === 0x2b || b[this.at] === C.Minus) this.at++;
      if (!isDigit(b[this.at])) throw this.syntax('in exponent of numeric literal');
      while (isDigit(b[this.at])) this.at++;
    }
    return Buffer.from(b.buffer, b.byteOffset + start, this.at - start).toString('latin1');
  }

  /** A string at the cursor, unquoted as Go unquotes it. */
  string(): string {
    const b = this.bytes;
    const start = ++this.at;
    let simple = true;
    for (;;) {
      const byte = b[this.at];
      if (byte === undefined) throw this.syntax('in string literal');
      if (byte === C.Quote) break;
      if (byte < 0x20) throw this.syntax('in string literal');
      if (byte === C.Backslash) {
        simple = false;
        const escape = b[this.at + 1];
        if (escape === 0x75) {
          for (let i = 2; i < 6; i++) if (!isHex(b[this.at + i])) { this.at += i; throw this.syntax('in \\u hexadecimal character escape'); }
          this.at += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(String.fromCharCode(escape))) {
          this.at++;
          throw this.syntax('in string escape code');
        }
        this.at += 2;
        continue;
      }
      if (byte >= 0x80) simple = false;
      this.at++;
    }
    const end = this.at++;
    const raw = Buffer.from(b.buffer, b.byteOffset + start, end - start);
    if (simple) return raw.toString('latin1'); // ASCII
    return unquote(raw);
  }

  /** Step over one value without decoding it: iterative, so depth costs no stack. */
  skip(): void {
    const open: number[] = []; // the containers we are in: '{' or '['
    for (;;) {
      this.skipSpace();
      const byte = this.bytes[this.at];
      if (byte === C.OpenBrace || byte === C.OpenBracket) {
        if (open.length >= MAX_DEPTH) throw new GoJsonError('exceeded max depth', '');
        this.at++;
        this.skipSpace();
        const close = this.bytes[this.at];
        if ((byte === C.OpenBrace && close === C.CloseBrace) || (byte === C.OpenBracket && close === C.CloseBracket)) this.at++;
        else {
          open.push(byte);
          if (byte === C.OpenBrace) this.key();
          continue;
        }
      } else if (byte === C.Quote) this.string();
      else if (byte === 0x74) this.literal('true');
      else if (byte === 0x66) this.literal('false');
      else if (byte === 0x6e) this.literal('null');
      else if (byte === C.Minus || isDigit(byte)) this.number();
      else throw this.syntax('looking for beginning of value');
      // After a value: close containers, or a comma and the next element or key.
      for (;;) {
        const inside = open[open.length - 1];
        if (inside === undefined) return;
        this.skipSpace();
        const next = this.bytes[this.at];
        if ((inside === C.OpenBrace && next === C.CloseBrace) || (inside === C.OpenBracket && next === C.CloseBracket)) {
          this.at++;
          open.pop();
          continue;
        }
        if (next !== C.Comma) throw this.syntax(inside === C.OpenBrace ? 'after object key:value pair' : 'after array element');
        this.at++;
        if (inside === C.OpenBrace) this.key();
        break;
      }
    }
  }

  private key(): void {
    this.skipSpace();
    if (this.bytes[this.at] !== C.Quote) throw this.syntax('looking for beginning of object key string');
    this.string();
    this.expect(C.Colon, 'after object key');
  }
}

function isHex(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
}

const BYTE: Shape = { kind: 'int', min: 0n, max: 255n };

function padTo(backing: unknown[], capacity: number): unknown[] {
  return backing.length >= capacity ? backing : backing.concat(new Array(capacity - backing.length).fill(undefined));
}

function describeRaw(raw: Uint8Array): string {
  const first = raw[0];
  if (first === C.OpenBrace) return 'object';
  if (first === C.OpenBracket) return 'array';
  if (first === 0x74 || first === 0x66) return 'bool';
  return 'number';
}

function goType(shape: Shape): string {
  switch (shape.kind) {
    case 'string': return 'string';
    case 'bool': return 'bool';
    case 'int': return shape.max === 255n ? 'uint8' : shape.max === 2n ** 31n - 1n ? 'int32' : 'int64';
    case 'strslice': return 'strslice.StrSlice';
    case 'time': return 'time.Time';
    case 'bytes': return '[]uint8';
    case 'slice': return `[]${goType(shape.elem)}`;
    case 'map': return `map[string]${goType(shape.elem)}`;
    case 'ptr': return `*${goType(shape.elem)}`;
    case 'struct': return 'struct';
  }
}

/** strconv.ParseInt(text, 10, 64) and the field's range: a fraction or an exponent is an error. */
function parseGoInt(text: string, shape: Shape & { kind: 'int' }, path: string[]): number | bigint {
  if (!/^-?\d+$/.test(text)) throw new GoJsonError(`cannot unmarshal number ${text} into a Go value of type ${goType(shape)}`, path.join('.'));
  const value = BigInt(text);
  if (value < shape.min || value > shape.max) throw new GoJsonError(`cannot unmarshal number ${text} into a Go value of type ${goType(shape)}`, path.join('.'));
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/**
 * Go's fold (fold.go): an ASCII field name matches a key of the same letters in any case; U+017F (ſ)
 * stands for s and U+212A (K) for k; anything else must be equal. The first such field in Go's order wins.
 */
function foldMatch(fields: Field[], key: string): Field | undefined {
  for (const field of fields) if (foldEquals(field.name, key)) return field;
  return undefined;
}

function foldEquals(name: string, key: string): boolean {
  let k = 0;
  for (let i = 0; i < name.length; i++) {
    if (k >= key.length) return false;
    const n = name.charCodeAt(i);
    const c = key.charCodeAt(k++);
    if (n === c) continue;
    const lower = n | 0x20;
    const isLetter = lower >= 0x61 && lower <= 0x7a;
    if (!isLetter) return false;
    if ((c | 0x20) === lower && c < 0x80) continue;
    if (lower === 0x73 && c === 0x017f) continue;
    if (lower === 0x6b && c === 0x212a) continue;
    return false;
  }
  return k === key.length;
}

/** Go's unquote: escapes undone; invalid UTF-8 and unpaired surrogates become U+FFFD. */
function unquote(raw: Buffer): string {
  let out = '';
  let i = 0;
  let runStart = 0;
  const flush = (end: number): void => {
    if (end > runStart) out += raw.toString('utf8', runStart, end);
  };
  while (i < raw.length) {
    const byte = raw[i]!;
    if (byte === C.Backslash) {
      flush(i);
      const escape = raw[i + 1]!;
      if (escape === 0x75) {
        let code = parseInt(raw.toString('latin1', i + 2, i + 6), 16);
        i += 6;
        if (code >= 0xd800 && code < 0xe000) {
          // A high surrogate followed by an escaped low one is one rune; anything else is U+FFFD.
          const low = raw[i] === C.Backslash && raw[i + 1] === 0x75 ? parseInt(raw.toString('latin1', i + 2, i + 6), 16) : -1;
          if (code < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            i += 6;
          } else code = 0xfffd;
        }
        out += String.fromCodePoint(code);
      } else {
        out += ({ 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' } as Record<number, string>)[escape]!;
        i += 2;
      }
      runStart = i;
      continue;
    }
    if (byte < 0x80) {
      i++;
      continue;
    }
    const size = utf8RuneSize(raw, i);
    if (size === 0) {
      flush(i);
      out += '\ufffd';
      i++;
      runStart = i;
    } else i += size;
  }
  flush(i);
  return out;
}

/** The length of the valid UTF-8 sequence at `i` as Go's utf8.DecodeRune accepts it, or 0 when invalid. */
function utf8RuneSize(b: Uint8Array, i: number): number {
  const x = b[i]!;
  const cont = (at: number, lo = 0x80, hi = 0xbf): boolean => {
    const byte = b[at];
    return byte !== undefined && byte >= lo && byte <= hi;
  };
  if (x >= 0xc2 && x <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (x >= 0xe0 && x <= 0xef) {
    const lo = x === 0xe0 ? 0xa0 : 0x80;
    const hi = x === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (x >= 0xf0 && x <= 0xf4) {
    const lo = x === 0xf0 ? 0x90 : 0x80;
    const hi = x === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/** base64.StdEncoding.Decode, which skips \r and \n and insists on padding. */
function decodeBase64(unquoted: string, path: string[]): Uint8Array {
  const text = unquoted.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) throw new GoJsonError('illegal base64 data', path.join('.'));
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/**
 * time.Time.UnmarshalJSON of Go 1.19: Parse(`"2006-01-02T15:04:05Z07:00"`, raw). Four-digit year, two-digit
 * month, day, minute and second, a one- or two-digit hour, an optional fraction after the seconds (`.` or
 * `,`), then `Z` or ±hh:mm, whose ranges Go 1.19 does not check.
 */
function parseGoTime(raw: Uint8Array, path: string[]): GoTime {
  const text = Buffer.from(raw).toString('latin1');
  const fail = (): never => {
    throw new GoJsonError(`parsing time ${text} as "2006-01-02T15:04:05Z07:00": cannot parse`, path.join('.'));
  };
  const match = /^"(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:(Z)|([+-])([+-]?\d+):([+-]?\d+))"$/.exec(text);
  if (!match) return fail();
  const [, y, mo, d, h, mi, s, frac, zulu, sign, zh, zm] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return fail();
  const monthDays = DAYS_BEFORE[month]! - DAYS_BEFORE[month - 1]! + (month === 2 && isLeap(year) ? 1 : 0);
  if (day < 1 || day > monthDays) return fail();
  if (!zulu && (zh!.length !== 2 || zm!.length !== 2)) return fail();
  const nanos = frac === undefined ? 0 : Number((frac.slice(0, 9) + '000000000').slice(0, 9));
  const offset = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 3600 + Number(zm) * 60);
  const days = daysFromCivil(year, month, day);
  return { seconds: days * 86400 + hour * 3600 + minute * 60 + second - offset, nanos, text };
}

/** Days since 1970-01-01 of a proleptic Gregorian date. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
