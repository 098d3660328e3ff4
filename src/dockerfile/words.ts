/**
 * How BuildKit's parser cuts an instruction line into its parts (`frontend/dockerfile/parser`:
 * `split_command.go`, `line_parsers.go`): keyword, builder flags, words, JSON arrays.
 */
import { isGoSpace, trimSpace } from './text.js';

/** BuildKit's `reWhitespace`: the blanks that separate a keyword from its arguments and whitespace-split words. */
const BLANKS = /[\t\v\f\r ]+/;

export interface SplitCommand {
  /** As written. */
  keyword: string;
  /** `--name[=value]` words, quotes and escapes removed. */
  flags: string[];
  /** The arguments after the flags, trimmed. */
  rest: string;
}

/** BuildKit's splitCommand: the keyword, then the flags, then the rest. */
export function splitCommand(line: string, escape: string): SplitCommand {
  const trimmed = trimSpace(line);
  const blank = BLANKS.exec(trimmed);
  if (!blank) return { keyword: trimmed, flags: NO_FLAGS, rest: '' };
  const keyword = trimmed.slice(0, blank.index);
  const { rest, flags } = extractBuilderFlags(trimmed.slice(blank.index + blank[0].length), escape);
  return { keyword, flags, rest: trimSpace(rest) };
}

/**
 * BuildKit's extractBuilderFlags: leading words that start with `--`, quotes removed and the escape
 * character honoured; a bare `--` ends them. It reads bytes, not characters (so a non-ASCII byte becomes
 * the Latin-1 character of that value, and bytes 0x85 and 0xA0 are blanks), exactly as BuildKit does.
 */
const NO_FLAGS: string[] = Object.freeze([]) as unknown as string[];

export function extractBuilderFlags(line: string, escape: string): { rest: string; flags: string[] } {
  // Most instructions have no flags: no need to read bytes then.
  let first = 0;
  while (first < line.length && isGoSpace(line.charCodeAt(first))) first++;
  if (!line.startsWith('--', first)) return { rest: line.slice(first), flags: NO_FLAGS };
  const bytes = Buffer.from(line, 'utf8');
  const escapeByte = escape.charCodeAt(0);
  const flags: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < bytes.length && isGoSpace(bytes[pos]!)) pos++;
    if (pos >= bytes.length) return { rest: '', flags };
    if (bytes[pos] !== 0x2d || bytes[pos + 1] !== 0x2d) return { rest: bytes.subarray(pos).toString('utf8'), flags };
    let word = '';
    let quote = 0;
    let blankOk = false;
    for (; pos < bytes.length; pos++) {
      let ch = bytes[pos]!;
      if (quote === 0 && isGoSpace(ch)) break;
      if (quote === 0 && (ch === 0x27 || ch === 0x22)) {
        quote = ch;
        blankOk = true;
        continue;
      }
      if (quote !== 0 && ch === quote) {
        quote = 0;
        continue;
      }
      if (ch === escapeByte) {
        if (pos + 1 === bytes.length) {
          quote = 0;
          continue; // an escape character at the end is dropped
        }
        ch = bytes[++pos]!;
      }
      word += String.fromCharCode(ch);
    }
    if (word === '--') return { rest: bytes.subarray(pos).toString('utf8'), flags };
    if (blankOk || word !== '') flags.push(word);
  }
}

/**
 * BuildKit's parseWords (ARG, ENV, LABEL): words split on unquoted blanks, quotes and escapes kept (the
 * expansion removes them later).
 */
export function parseWords(rest: string, escape: string): string[] {
  const words: string[] = [];
  const chars = Array.from(rest);
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  let blankOk = false;
  for (let index = 0; index < chars.length; index++) {
    let ch = chars[index]!;
    const last = index + 1 === chars.length;
    if (!inWord) {
      if (isGoSpace(ch.codePointAt(0)!)) continue;
      inWord = true;
    }
    if (quote === undefined) {
      if (isGoSpace(ch.codePointAt(0)!)) {
        if (blankOk || word !== '') words.push(word);
        word = '';
        blankOk = false;
        inWord = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
      }
      if (ch === escape) {
        if (last) continue;
        // Outside quotes the escape character and the next one stay, whatever it is.
        word += ch;
        ch = chars[++index]!;
      }
      word += ch;
      continue;
    }
    if (ch === quote) quote = undefined;
    else if (ch === escape && quote !== "'") {
      if (last) {
        quote = undefined;
        continue;
      }
      word += ch;
      ch = chars[++index]!;
    }
    word += ch;
  }
  if (inWord && (blankOk || word !== '')) words.push(word);
  return words;
}

/** BuildKit's parseStringsWhitespaceDelimited (FROM, the non-JSON COPY/ADD). */
export function splitBlanks(rest: string): string[] {
  return rest === '' ? [] : rest.split(BLANKS);
}

export type JsonArray = { kind: 'strings'; values: string[] } | { kind: 'not-json' } | { kind: 'not-strings' };

/** Go's encoding/json refuses numbers out of float64's range and nesting deeper than 10,000. */
function goDecodes(text: string, value: unknown[]): boolean {
  if (value.some((item) => typeof item === 'number' && !Number.isFinite(item))) return false;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const ch = text[index];
    if (inString) {
      if (ch === '\\') index++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      if (++depth > 10_000) return false;
    } else if (ch === ']' || ch === '}') depth--;
  }
  return true;
}

/**
 * BuildKit's parseJSON: a JSON array of strings is the exec form; anything else that does not start with
 * `[` or is not JSON is the shell form; a JSON array with other values is an error.
 */
export function parseJsonArray(rest: string): JsonArray {
  if (!rest.startsWith('[')) return { kind: 'not-json' };
  let value: unknown;
  try {
    value = JSON.parse(rest);
  } catch {
    return { kind: 'not-json' };
  }
  if (!Array.isArray(value)) return { kind: 'not-json' };
  if (value.every((item) => typeof item === 'string')) return { kind: 'strings', values: value as string[] };
  return goDecodes(rest, value) ? { kind: 'not-strings' } : { kind: 'not-json' };
}

/**
 * Flags as BuildKit's BFlags reads them: `--name=value` (the value after the first `=`), names
 * case-sensitive. Only the flags asked for are returned; the others are left to BuildKit to judge.
 */
export function flagValues(flags: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (const flag of flags) {
    if (flag === '--') break;
    const eq = flag.indexOf('=');
    if ((eq < 0 ? flag : flag.slice(0, eq)) === `--${name}` && eq >= 0) values.push(flag.slice(eq + 1));
  }
  return values;
}
