/**
 * A tiny tar writer for entries no well-behaved library writes: GNU long names and sparse files, PAX
 * headers with lying lengths, members cut short. Only for building hostile test input.
 */
export interface RawEntry {
  name: string;
  /** Type flag character: '0' file, '5' directory, '2' symlink, '1' hard link, 'x' PAX, 'L' GNU long name, 'S' GNU sparse. */
  type: string;
  body?: Buffer;
  /** The size written in the header; defaults to the body's length (a lie on purpose when different). */
  size?: number;
  linkname?: string;
  mode?: number;
  /** 'ustar' (POSIX) or 'gnu' magic. */
  magic?: 'ustar' | 'gnu';
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

export function rawHeader(entry: RawEntry): Buffer {
  const block = Buffer.alloc(512);
  block.write(entry.name.slice(0, 100), 0, 'utf8');
  block.write(octal(entry.mode ?? (entry.type === '5' ? 0o755 : 0o644), 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(entry.size ?? entry.body?.length ?? 0, 12), 124);
  block.write(octal(0, 12), 136);
  block.write('        ', 148);
  block.write(entry.type, 156);
  if (entry.linkname) block.write(entry.linkname.slice(0, 100), 157);
  if (entry.magic === 'gnu') block.write('ustar  \0', 257, 'binary');
  else block.write('ustar\u000000', 257, 'binary');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148);
  return block;
}

function padded(body: Buffer): Buffer {
  const rest = body.length % 512;
  return rest === 0 ? body : Buffer.concat([body, Buffer.alloc(512 - rest)]);
}

/** Members in order, then the two zero blocks that end an archive (unless `end` is false). */
export function rawTar(entries: RawEntry[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(rawHeader(entry));
    if (entry.body) parts.push(padded(entry.body));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** One PAX record, "<length> <key>=<value>\n", with its length computed (or lied about). */
export function paxRecord(key: string, value: string, claimedLength?: number): string {
  const body = ` ${key}=${value}\n`;
  const bytes = Buffer.byteLength(body); // the length counts bytes, not UTF-16 units
  let length = bytes + 1;
  while (String(length).length + bytes !== length) length++;
  return `${claimedLength ?? length}${body}`;
}
