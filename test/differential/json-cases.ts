// Generated JSON documents for the differential test against Go's encoding/json: seeded, reproducible.
import type { Shape } from '../../src/oci/go-json.ts';

/** The differential tests' one seeded PRNG: the same seed gives the same cases on every machine. */
export { rng as random } from './tar-cases.ts';

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/** JSON text built from parts, so that keys may repeat and raw bytes may be anywhere. */
type Part = Buffer;

const ws = (rand: Rand): string => (rand() < 0.8 ? '' : pick(rand, [' ', '\n', '\t ', '\r\n  ']));

/** A key as someone hiding from a case-sensitive reader might write it. */
function mutateKey(rand: Rand, name: string): string {
  const r = rand();
  if (r < 0.55) return name;
  let out = '';
  for (const char of name) {
    const c = rand();
    if (char === 's' || char === 'S') out += c < 0.2 ? 'ſ' : c < 0.5 ? char.toUpperCase() : char.toLowerCase();
    else if (char === 'k' || char === 'K') out += c < 0.2 ? 'K' : c < 0.5 ? char.toUpperCase() : char.toLowerCase();
    else out += c < 0.3 ? char.toUpperCase() : c < 0.6 ? char.toLowerCase() : char;
  }
  if (r > 0.97) out += pick(rand, ['_', ' ', 'x', '\u0000']);
  return out;
}

const STRINGS = ['', 'app', '0', 'root', 'sha256:' + 'a'.repeat(64), 'linux', 'amd64', 'PATH=/usr/bin', '/bin/sh -c curl', 'ü名前', '1000:1000', '2024-01-02T03:04:05Z'];

/** A JSON string literal, with escapes, surrogates and invalid UTF-8 now and then. */
function stringLiteral(rand: Rand, text?: string): Part {
  const value = text ?? pick(rand, STRINGS);
  const pieces: Buffer[] = [Buffer.from('"')];
  for (const char of value) {
    const r = rand();
    if (r < 0.1) pieces.push(Buffer.from('\\u' + char.codePointAt(0)!.toString(16).padStart(4, '0').slice(-4)));
    else pieces.push(Buffer.from(char === '"' ? '\\"' : char === '\\' ? '\\\\' : char));
  }
  const extra = rand();
  if (extra < 0.05) pieces.push(Buffer.from([pick(rand, [0x80, 0xc3, 0xe2, 0xed, 0xf0, 0xff]), ...(rand() < 0.5 ? [0x82] : [])]));
  else if (extra < 0.08) pieces.push(Buffer.from(pick(rand, ['\\ud800', '\\udc00x', '\\ud83d\\ude00', '\\n\\t\\/', '\\ud800\\u0041'])));
  else if (extra < 0.085) pieces.push(Buffer.from(pick(rand, ['\\x', '\u0001'])));
  pieces.push(Buffer.from('"'));
  return Buffer.concat(pieces);
}

function numberLiteral(rand: Rand): string {
  return pick(rand, ['0', '1', '-1', '42', '1.5', '1e3', '-0', '9223372036854775807', '9223372036854775808', '-9223372036854775809', '2147483648', '1E400', '01', '1.', '.5', '-', '3e-2']);
}

function timeLiteral(rand: Rand): Part {
  const good = ['"2024-01-02T03:04:05Z"', '"2024-02-29T23:59:59.123456789Z"', '"1970-01-01T00:00:00+01:00"', '"2015-10-31T22:22:55.613815829Z"', '"2024-01-02T3:04:05Z"', '"2024-01-02T03:04:05,5Z"', '"2024-01-02T03:04:05.1234567891-07:30"'];
  const bad = ['"2023-02-29T00:00:00Z"', '"2024-01-02 03:04:05Z"', '"2024-1-02T03:04:05Z"', '"2024-01-02T24:00:00Z"', '"2024-01-02T03:04:05"', '"yesterday"', '"2024-01-02T03:04:05z"', '"2024-01-02T03:04:05+1:00"', '"\\u0032024-01-02T03:04:05Z"', '17', '"2024-01-02T03:04:60Z"', '"2024-13-02T03:04:05Z"'];
  return Buffer.from(rand() < 0.75 ? pick(rand, good) : pick(rand, bad));
}

/** Any JSON value, for unknown keys and wrong types: sometimes deep. */
function anyValue(rand: Rand, depth = 0): Part {
  const r = rand();
  if (depth < 3 && r < 0.15) return deep(rand);
  if (depth < 3 && r < 0.3) return object(rand, [[mutateKey(rand, 'x'), anyValue(rand, depth + 1)]]);
  if (r < 0.5) return stringLiteral(rand);
  if (r < 0.7) return Buffer.from(numberLiteral(rand));
  return Buffer.from(pick(rand, ['true', 'false', 'null']));
}

function deep(rand: Rand): Part {
  const n = 1 + Math.floor(rand() * 60);
  return Buffer.from('['.repeat(n) + (rand() < 0.5 ? '1' : '{"a":[]}') + ']'.repeat(n));
}

function object(rand: Rand, entries: Array<[string, Part]>): Part {
  const parts: Buffer[] = [Buffer.from('{' + ws(rand))];
  entries.forEach(([key, value], i) => {
    if (i > 0) parts.push(Buffer.from(',' + ws(rand)));
    parts.push(stringLiteral(rand, key), Buffer.from(ws(rand) + ':' + ws(rand)), value);
  });
  parts.push(Buffer.from(ws(rand) + '}'));
  return Buffer.concat(parts);
}

function array(rand: Rand, items: Part[]): Part {
  const parts: Buffer[] = [Buffer.from('[')];
  items.forEach((item, i) => parts.push(Buffer.from(i > 0 ? ',' + ws(rand) : ''), item));
  parts.push(Buffer.from(']'));
  return Buffer.concat(parts);
}

/** A value for a shape: mostly well typed, sometimes null, sometimes of another type. */
export function valueFor(rand: Rand, shape: Shape, depth = 0): Part {
  const r = rand();
  if (r < 0.06) return Buffer.from('null');
  if (r < 0.09) return anyValue(rand, depth + 1);
  switch (shape.kind) {
    case 'string': return stringLiteral(rand);
    case 'bool': return Buffer.from(rand() < 0.5 ? 'true' : 'false');
    case 'int': return Buffer.from(rand() < 0.7 ? String(Math.floor(rand() * 100000)) : numberLiteral(rand));
    case 'time': return timeLiteral(rand);
    case 'bytes': return Buffer.from(pick(rand, ['"aGVsbG8="', '""', '"aGVsbG8"', '"!!"', '[1,2,255]', '[256]', '"aGV\\nsbG8="']));
    case 'strslice': return rand() < 0.3 ? stringLiteral(rand) : array(rand, Array.from({ length: Math.floor(rand() * 3) }, () => stringLiteral(rand)));
    case 'ptr': return valueFor(rand, shape.elem, depth);
    case 'slice': return array(rand, Array.from({ length: Math.floor(rand() * (depth > 2 ? 2 : 4)) }, () => valueFor(rand, shape.elem, depth + 1)));
    case 'map': return object(rand, Array.from({ length: Math.floor(rand() * 3) }, () => [pick(rand, ['a', 'b', 'A', '__proto__', 'sha256:1']), valueFor(rand, shape.elem, depth + 1)] as [string, Part]));
    case 'struct': {
      const entries: Array<[string, Part]> = [];
      for (const field of shape.fields) {
        if (rand() < (depth === 0 ? 0.45 : 0.25)) continue;
        entries.push([mutateKey(rand, field.name), valueFor(rand, field.shape, depth + 1)]);
        // The same field again: a duplicate key, in another case, with another value.
        if (rand() < 0.08) entries.push([mutateKey(rand, field.name), valueFor(rand, field.shape, depth + 1)]);
      }
      if (rand() < 0.2) entries.push([mutateKey(rand, pick(rand, ['unknown', 'Extra', 'config2'])), anyValue(rand, depth + 1)]);
      // Shuffle now and then: order decides which duplicate wins.
      if (rand() < 0.3) entries.sort(() => rand() - 0.5);
      return object(rand, entries);
    }
  }
}

/** A whole document, with byte-level damage now and then: cut short, garbage after it, a BOM before it. */
export function documentFor(rand: Rand, shape: Shape): Buffer {
  let bytes = valueFor(rand, shape);
  const r = rand();
  if (r < 0.03) bytes = bytes.subarray(0, Math.floor(rand() * bytes.length));
  else if (r < 0.07) bytes = Buffer.concat([bytes, Buffer.from(pick(rand, [' garbage', '\n', '{}', ']', '\u0000']))]);
  else if (r < 0.08) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  else if (r < 0.1 && bytes.length > 2) {
    bytes = Buffer.from(bytes);
    bytes[Math.floor(rand() * bytes.length)] = pick(rand, [0x7b, 0x7d, 0x22, 0x2c, 0x3a, 0x5b]);
  }
  return bytes;
}
