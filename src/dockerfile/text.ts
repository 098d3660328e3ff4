import { DockerfileError, LIMITS, formatCount } from './limits.js';

/** Go's `unicode.IsSpace`, which BuildKit's parser and lexer use to trim and split. */
export function isGoSpace(codePoint: number): boolean {
  if (codePoint <= 0xff) {
    return codePoint === 0x20 || (codePoint >= 0x09 && codePoint <= 0x0d) || codePoint === 0x85 || codePoint === 0xa0;
  }
  return (
    codePoint === 0x1680 ||
    (codePoint >= 0x2000 && codePoint <= 0x200a) ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0x202f ||
    codePoint === 0x205f ||
    codePoint === 0x3000
  );
}

function isSpaceAt(text: string, index: number): boolean {
  return isGoSpace(text.codePointAt(index)!);
}

/** Go's `strings.TrimLeftFunc(s, unicode.IsSpace)`. */
export function trimLeftSpace(text: string): string {
  let start = 0;
  while (start < text.length && isSpaceAt(text, start)) start++;
  return start === 0 ? text : text.slice(start);
}

/** Go's `strings.TrimSpace`. */
export function trimSpace(text: string): string {
  let end = text.length;
  while (end > 0 && isGoSpace(text.charCodeAt(end - 1))) end--;
  return trimLeftSpace(end === text.length ? text : text.slice(0, end));
}

/** BuildKit's trimNewline: every trailing `\r` and `\n`. */
export function trimNewline(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === '\r' || line[end - 1] === '\n')) end--;
  return end === line.length ? line : line.slice(0, end);
}

/** A line that is a comment: `#` after optional blanks. */
export function isComment(line: string): boolean {
  return trimLeftSpace(line).startsWith('#');
}

/**
 * The text of a Dockerfile read from disk. Refused, with one line naming the file: more than
 * `LIMITS.fileBytes`, NUL bytes or invalid UTF-8 (a binary file, not a Dockerfile).
 */
export function decodeDockerfile(bytes: Uint8Array, path: string): string {
  if (bytes.length > LIMITS.fileBytes) {
    throw new DockerfileError(path, undefined, `is larger than ${formatCount(LIMITS.fileBytes)} bytes (a Dockerfile is at most 16 MiB, all BuildKit reads)`);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new DockerfileError(path, undefined, `is not a Dockerfile: it contains NUL bytes (byte ${formatCount(nul)}), so it is a binary file`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new DockerfileError(path, undefined, 'is not a Dockerfile: it is not valid UTF-8 text');
  }
}

/**
 * The physical lines as BuildKit's scanner cuts them: at `\n` only (a `\r` stays in its line), no empty
 * last line after a final `\n`, a UTF-8 byte-order mark dropped from the first. A line over BuildKit's
 * limit is refused (the mark counts, as it does for BuildKit's scanner).
 */
export function physicalLines(text: string, path: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, index) => {
    // A UTF-16 unit is at most 3 UTF-8 bytes: only long lines need counting.
    if (line.length * 3 <= LIMITS.lineBytes) return;
    const bytes = Buffer.byteLength(line, 'utf8');
    if (bytes > LIMITS.lineBytes) {
      throw new DockerfileError(path, index + 1, `the line is ${formatCount(bytes)} bytes long; BuildKit refuses lines over ${formatCount(LIMITS.lineBytes)} bytes`);
    }
  });
  if (lines[0]?.startsWith('\uFEFF')) lines[0] = lines[0].slice(1);
  return lines;
}

/**
 * A case conversion that hands back one shared string per keyword: a file can have a million instructions
 * with a dozen keywords between them. At most 1,000 keywords are kept, so odd input cannot grow the cache.
 */
export function sharedCase(convert: (text: string) => string): (keyword: string) => string {
  const converted = new Map<string, string>();
  return (keyword) => {
    let result = converted.get(keyword);
    if (result === undefined) {
      result = convert(keyword);
      if (converted.size < 1000) converted.set(keyword, result);
    }
    return result;
  };
}
