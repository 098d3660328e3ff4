/**
 * Seeded, reproducible tar streams for the differential tests: generated from pieces no well-behaved writer
 * combines (formats, numeric field forms, checksums, long names, PAX and GNU records, sparse maps, bodies on
 * header-only types, end blocks and what follows them), then mutated byte by byte.
 */
import { gzipSync } from 'node:zlib';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = ReturnType<typeof rng>;
const pick = <T,>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const chance = (r: Random, p: number): boolean => r() < p;

type Format = 'v7' | 'ustar' | 'gnu' | 'star' | 'ustar-oddversion';

interface HeaderSpec {
  name: Buffer;
  typeflag: number;
  size: number;
  linkname?: Buffer;
  prefix?: Buffer;
  format: Format;
  mode?: number;
  uid?: number;
  gid?: number;
}

/** A numeric field in one of the forms writers use, or an odd one Go may or may not accept. */
function numeric(r: Random, value: number, width: number): Buffer {
  const field = Buffer.alloc(width);
  const octal = value.toString(8);
  const form = r();
  if (form < 0.97 || octal.length > width - 1) {
    if (octal.length > width - 1 || (form > 0.94 && form < 0.97)) {
      // base-256, positive
      field[0] = 0x80;
      let v = BigInt(value);
      for (let i = width - 1; i > 0; i--, v >>= 8n) field[i] = Number(v & 0xffn);
      return field;
    }
    field.write(octal.padStart(width - 1, '0'), 'latin1');
    return field; // "%0No\0"
  }
  const forms = [
    () => octal.padStart(width - 1, '0') + ' ',
    () => octal.padStart(width - 2, ' ') + ' \0',
    () => ' '.repeat(width - 1 - octal.length) + octal + '\0',
    () => octal + '\0'.repeat(width - octal.length),
    () => '\0'.repeat(width - octal.length) + octal,
    () => octal.padStart(width - 2, '0') + '\0' + 'x', // junk after a NUL
    () => octal.padStart(width - 3, '0') + ' 7\0', // a space inside
    () => '+' + octal.padStart(width - 2, '0'),
    () => octal.padStart(width - 1, '0') + '8',
    () => '\0'.repeat(width),
    () => ' '.repeat(width),
  ];
  field.write(pick(r, forms)().slice(0, width), 'latin1');
  return field;
}

function checksum(block: Buffer, r: Random, how: 'unsigned' | 'signed' | 'wrong' | 'odd'): void {
  block.fill(0x20, 148, 156);
  let unsigned = 0;
  let signed = 0;
  for (const byte of block) {
    unsigned += byte;
    signed += byte >= 0x80 ? byte - 256 : byte;
  }
  const sum = how === 'signed' ? signed : how === 'wrong' ? unsigned + 1 : unsigned;
  const text = sum < 0 ? '0' : sum.toString(8);
  if (how === 'odd') block.write(' ' + text.padStart(5, '0') + ' \0', 148, 'latin1');
  else block.write(text.padStart(6, '0') + '\0 ', 148, 'latin1');
}

function header(r: Random, spec: HeaderSpec): Buffer {
  const block = Buffer.alloc(512);
  spec.name.copy(block, 0, 0, Math.min(100, spec.name.length));
  numeric(r, spec.mode ?? 0o644, 8).copy(block, 100);
  numeric(r, spec.uid ?? 0, 8).copy(block, 108);
  numeric(r, spec.gid ?? 0, 8).copy(block, 116);
  numeric(r, spec.size, 12).copy(block, 124);
  numeric(r, 0, 12).copy(block, 136); // mtime
  block[156] = spec.typeflag;
  spec.linkname?.copy(block, 157, 0, Math.min(100, spec.linkname.length));
  switch (spec.format) {
    case 'ustar':
      block.write('ustar\x0000', 257, 'latin1');
      break;
    case 'ustar-oddversion':
      block.write('ustar\x00xx', 257, 'latin1');
      break;
    case 'gnu':
      block.write('ustar  \x00', 257, 'latin1');
      break;
    case 'star':
      block.write('ustar\x0000', 257, 'latin1');
      block.write('tar\x00', 508, 'latin1');
      break;
  }
  if (spec.format !== 'v7') {
    if (chance(r, 0.8)) numeric(r, 0, 8).copy(block, 329);
    if (chance(r, 0.8)) numeric(r, 0, 8).copy(block, 337);
  }
  if (spec.prefix) spec.prefix.copy(block, 345, 0, Math.min(spec.format === 'star' ? 131 : 155, spec.prefix.length));
  if (spec.format === 'star' && chance(r, 0.7)) {
    numeric(r, 0, 12).copy(block, 476);
    numeric(r, 0, 12).copy(block, 488);
  }
  const how = r();
  checksum(block, r, how < 0.9 ? 'unsigned' : how < 0.95 ? 'signed' : how < 0.985 ? 'odd' : 'wrong');
  return block;
}

function pad(body: Buffer): Buffer {
  const rest = body.length % 512;
  return rest === 0 ? body : Buffer.concat([body, Buffer.alloc(512 - rest)]);
}

export function paxRecord(key: string, value: Buffer | string, lie = 0): Buffer {
  const v = typeof value === 'string' ? Buffer.from(value) : value;
  const bare = Buffer.concat([Buffer.from(` ${key}=`), v, Buffer.from('\n')]);
  let length = bare.length + 1;
  while (String(length).length + bare.length !== length) length++;
  return Buffer.concat([Buffer.from(String(length + lie)), bare]);
}

const NAME_PARTS = ['usr', 'bin', 'curl', 'etc', 'passwd', 'a', '.', '..', '', 'über', '名前', '.wh.x', '.wh..wh..opq', 'dir/'];
const RAW_BYTES = [0xff, 0xfe, 0xc3, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90];

function randomName(r: Random, long = false): Buffer {
  const parts: Buffer[] = [];
  const count = long ? 20 + Math.floor(r() * 40) : 1 + Math.floor(r() * 4);
  for (let i = 0; i < count; i++) {
    if (chance(r, 0.08)) parts.push(Buffer.from([pick(r, RAW_BYTES), pick(r, RAW_BYTES)]));
    else parts.push(Buffer.from(pick(r, NAME_PARTS)));
  }
  let name = Buffer.from(parts.map((p) => p.toString('latin1')).join('/'), 'latin1');
  if (chance(r, 0.1)) name = Buffer.concat([Buffer.from('./'), name]);
  if (chance(r, 0.05)) name = Buffer.concat([Buffer.from('/'), name]);
  if (chance(r, 0.1)) name = Buffer.concat([name, Buffer.from('/')]);
  return name;
}

const TYPES = [0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x00, 0x31, 0x32, 0x32, 0x33, 0x34, 0x35, 0x35, 0x35, 0x36, 0x37, 0x41, 0x56, 0x4e];

/** One member: maybe preceded by PAX or GNU records, maybe sparse. */
function member(r: Random): Buffer[] {
  const out: Buffer[] = [];
  const format = pick(r, ['ustar', 'ustar', 'gnu', 'gnu', 'v7', 'star', 'ustar-oddversion'] as const);
  let typeflag = pick(r, TYPES);
  let name = randomName(r);
  let size = pick(r, [0, 0, 1, 5, 511, 512, 513, 1500]);
  const linkname = typeflag === 0x31 || typeflag === 0x32 || chance(r, 0.05) ? randomName(r) : undefined;
  const body = Buffer.alloc(size, 0x61);
  // records for the next entry
  if (chance(r, 0.25)) {
    const records: Buffer[] = [];
    if (chance(r, 0.6)) records.push(paxRecord('path', chance(r, 0.3) ? randomName(r, true) : randomName(r)));
    if (chance(r, 0.2)) records.push(paxRecord('linkpath', randomName(r)));
    if (chance(r, 0.2)) records.push(paxRecord('size', pick(r, ['3', '0', '+2', '-1', 'x', '', '007'])));
    if (chance(r, 0.1)) records.push(paxRecord('uid', pick(r, ['1000', 'abc', '-5', '99999999999999999999'])));
    if (chance(r, 0.1)) records.push(paxRecord('mtime', pick(r, ['1.5', '1', '.5', 'x', '1.x', '-3.25'])));
    if (chance(r, 0.1)) records.push(paxRecord('path', Buffer.from('a\0b')));
    if (chance(r, 0.05)) records.push(paxRecord('comment', 'x', pick(r, [1, -1, 1000])));
    if (chance(r, 0.05)) records.push(Buffer.from(pick(r, ['5 a=\n', '3 x\n', 'junk', '10 noequals\n', '6 =x\n\n'])));
    if (chance(r, 0.1)) records.push(paxRecord('SCHILY.xattr.user.x', 'y'));
    const data = Buffer.concat(records);
    const global = chance(r, 0.2);
    out.push(header(r, { name: Buffer.from('PaxHeaders/x'), typeflag: global ? 0x67 : 0x78, size: data.length, format: 'ustar' }), pad(data));
  }
  if (chance(r, 0.12)) {
    const long = Buffer.concat([randomName(r, true), chance(r, 0.5) ? Buffer.from([0]) : Buffer.alloc(0)]);
    out.push(header(r, { name: Buffer.from('././@LongLink'), typeflag: chance(r, 0.8) ? 0x4c : 0x4b, size: long.length, format: 'gnu' }), pad(long));
  }
  let stored = body;
  if (chance(r, 0.05)) {
    // PAX sparse 0.1: two fragments of the real size, stored back to back
    const real = 4096;
    const map = pick(r, ['0,5,1000,3', '0,5', '10,5,0,3', '0,5,1000,4000']);
    const count = map.split(',').length / 2;
    const data = Buffer.concat([paxRecord('GNU.sparse.major', '0'), paxRecord('GNU.sparse.minor', '1'), paxRecord('GNU.sparse.name', randomName(r)), paxRecord('GNU.sparse.realsize', String(real)), paxRecord('GNU.sparse.numblocks', String(count)), paxRecord('GNU.sparse.map', map)]);
    out.push(header(r, { name: Buffer.from('PaxHeaders/s'), typeflag: 0x78, size: data.length, format: 'ustar' }), pad(data));
    typeflag = 0x30;
    stored = Buffer.alloc(pick(r, [8, 5, 9]), 0x62);
    size = stored.length;
  }
  if (chance(r, 0.03)) {
    // PAX sparse 1.0: the map opens the data
    const data = Buffer.concat([paxRecord('GNU.sparse.major', '1'), paxRecord('GNU.sparse.minor', '0'), paxRecord('GNU.sparse.name', randomName(r)), paxRecord('GNU.sparse.realsize', '2000')]);
    out.push(header(r, { name: Buffer.from('PaxHeaders/s'), typeflag: 0x78, size: data.length, format: 'ustar' }), pad(data));
    typeflag = 0x30;
    const map = pad(Buffer.from(pick(r, ['2\n0\n5\n100\n3\n', '1\n0\n8\n', 'x\n', '1\n5\n'])));
    stored = Buffer.concat([map, Buffer.alloc(pick(r, [8, 7]), 0x63)]);
    size = stored.length;
  }
  const spec: HeaderSpec = { name, typeflag, size, format, ...(linkname ? { linkname } : {}), mode: pick(r, [0o644, 0o755, 0o4755, 0]), uid: pick(r, [0, 1000, 65534, 2 ** 21]), gid: 0 };
  if (chance(r, 0.15)) spec.prefix = randomName(r);
  if (chance(r, 0.04) && format === 'gnu') {
    // old GNU sparse: fragments in the header
    const block = header(r, { ...spec, typeflag: 0x53, size: 8 });
    block.write('00000000000\0' + '00000000005\0' + '00000000100\0' + '00000000003\0', 386, 'latin1');
    block.write('00000004096\0', 483, 'latin1');
    checksum(block, r, 'unsigned');
    out.push(block, pad(Buffer.alloc(8, 0x64)));
    return out;
  }
  out.push(header(r, spec));
  // A body even where the type has none: Go reads none for '1'-'6', so the bytes must read as headers.
  if (stored.length > 0) out.push(pad(stored));
  return out;
}

/** The end of the stream: the end blocks, one, none, or something after them. */
function ending(r: Random): Buffer[] {
  const after = (): Buffer => pick(r, [Buffer.from('stargz.index.json'), Buffer.alloc(512, 0x41), header(r, { name: Buffer.from('usr/bin/hidden'), typeflag: 0x30, size: 0, format: 'ustar' })]);
  switch (pick(r, ['two', 'two', 'two', 'two', 'two', 'one', 'none', 'two-then', 'two-then', 'one-then', 'three', 'partial'])) {
    case 'two':
      return [Buffer.alloc(1024)];
    case 'one':
      return [Buffer.alloc(512)];
    case 'none':
      return [];
    case 'two-then':
      return [Buffer.alloc(1024), after()];
    case 'one-then':
      return [Buffer.alloc(512), after()];
    case 'three':
      return [Buffer.alloc(1536)];
    default:
      return [Buffer.alloc(1024).subarray(0, 700)];
  }
}

export function generatedTar(seed: number): Buffer {
  const r = rng(seed);
  const parts: Buffer[] = [];
  const count = 1 + Math.floor(r() * 5);
  for (let i = 0; i < count; i++) parts.push(...member(r));
  parts.push(...ending(r));
  return Buffer.concat(parts);
}

/** A generated tar with one to three bytes changed (the checksum fixed again, most of the time). */
export function mutatedTar(seed: number): Buffer {
  const r = rng(seed ^ 0x5bd1e995);
  const tar = Buffer.from(generatedTar(seed));
  const headers: number[] = [];
  for (let at = 0; at + 512 <= tar.length; at += 512) if (tar.subarray(at + 257, at + 262).toString('latin1') === 'ustar' || tar[at + 156] !== 0) headers.push(at);
  const at = headers.length > 0 ? pick(r, headers) : 0;
  const changes = 1 + Math.floor(r() * 3);
  for (let i = 0; i < changes; i++) {
    const offset = pick(r, [0, 99, 100, 107, 124, 130, 135, 136, 148, 155, 156, 157, 257, 262, 263, 329, 345, 386, 482, 483, 508, Math.floor(r() * 512)]);
    if (at + offset < tar.length) tar[at + offset] = pick(r, [0x00, 0x20, 0x30, 0x37, 0x38, 0x2b, 0x2d, 0x2f, 0x41, 0x78, 0x67, 0x4c, 0x53, 0x80, 0xff, Math.floor(r() * 256)]);
  }
  if (chance(r, 0.8) && at + 512 <= tar.length) checksum(tar.subarray(at, at + 512), r, 'unsigned');
  return tar;
}

/** A gzip stream of a generated tar with something after the member, as layers in the wild have. */
export function gzipFramed(seed: number): Buffer {
  const r = rng(seed ^ 0x1234567);
  const tar = generatedTar(seed);
  const whole = gzipSync(tar);
  switch (pick(r, ['nothing', 'nuls', 'member', 'garbage', 'split', 'cut', 'magic-junk'])) {
    case 'nuls':
      return Buffer.concat([whole, Buffer.alloc(1 + Math.floor(r() * 600))]);
    case 'member':
      return Buffer.concat([whole, gzipSync(Buffer.from('after the end'))]);
    case 'garbage':
      return Buffer.concat([whole, Buffer.from('garbage after the member')]);
    case 'split': {
      const at = Math.floor(r() * tar.length);
      return Buffer.concat([gzipSync(tar.subarray(0, at)), gzipSync(tar.subarray(at))]);
    }
    case 'cut':
      return whole.subarray(0, Math.floor(whole.length * r()));
    case 'magic-junk':
      return Buffer.concat([whole, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01])]);
    default:
      return whole;
  }
}

const LAYER_NAME_PARTS = ['etc', 'usr', 'bin', 'data', 'a', 'b', 'x y', '名前', 'ç', '.hidden', '..', '.', 'very-long-name-'.repeat(8), 'dir'];

/** A path of one to four parts; sometimes absolute or climbing, as hostile layers write them. */
function layerPath(r: Random): string {
  const parts = Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(r, LAYER_NAME_PARTS));
  const path = parts.join('/');
  return chance(r, 0.1) ? `/${path}` : chance(r, 0.1) ? `../${path}` : path;
}

/**
 * A well-formed layer tar as real writers make them (image-builder's, tar-stream underneath: ustar, PAX for
 * long or non-ASCII names) whose meaning is what is tested: files replacing directories and back, hard and
 * symbolic links, whiteouts and opaque markers in the layer that holds what they name, `.` and `..` parts,
 * absolute names, long and non-ASCII names. The engine applies every one of them; what it shows must be
 * what our union model shows.
 */
export function wellFormedLayer(seed: number, layerTar: (spec: { entries: unknown[] }) => Buffer): Buffer {
  const r = rng(seed ^ 0x2545f491);
  const entries: unknown[] = [];
  const files: string[] = [];
  for (let i = 0, count = 2 + Math.floor(r() * 8); i < count; i++) {
    const path = layerPath(r);
    const kind = pick(r, ['file', 'file', 'file', 'dir', 'symlink', 'hardlink', 'whiteout', 'opaque'] as const);
    if (kind === 'file') {
      entries.push({ type: 'file', path, size: pick(r, [0, 1, 100, 600, 5000]), mode: pick(r, [0o644, 0o755, 0o4755]) });
      files.push(path);
    } else if (kind === 'dir') entries.push({ type: 'dir', path });
    else if (kind === 'symlink') entries.push({ type: 'symlink', path, target: chance(r, 0.5) ? `/${layerPath(r)}` : layerPath(r) });
    else if (kind === 'hardlink' && files.length > 0) entries.push({ type: 'hardlink', path, target: pick(r, files) });
    else if (kind === 'whiteout') entries.push({ type: 'whiteout', path });
    else if (kind === 'opaque') entries.push({ type: 'opaque', path });
  }
  return layerTar({ entries });
}
