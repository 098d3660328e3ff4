/**
 * Text from an image (names, tags, users, history) made safe to print: whoever reads our output (a terminal,
 * the CI runner, a log viewer) must see it and never act on it.
 *
 * - Control characters are made visible, as escapes a reader can recognise: C0 (with CR, LF and TAB), DEL,
 *   C1 (ESC sequences and their 8-bit forms move the cursor, clear the screen, set the window title), the
 *   bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069: "Trojan Source" reordering) and
 *   the line and paragraph separators (U+2028, U+2029), which some viewers break lines at.
 * - The Actions runner reads a workflow command from a line that starts with `::` once leading spaces are
 *   trimmed, and an old-style `##[command]` anywhere in a line (actions/runner, ActionCommand.TryParse): both
 *   are broken by escaping one of their characters.
 *
 * JSON output keeps the exact strings (JSON escapes what it must); everything printed for people goes through here.
 */

const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Control, bidi and separator characters as visible escapes (`\x1b`, `\n`, `\u202e`); `##[` broken. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, escapeOne).replaceAll('##[', '#\\x23[');
}

/** One line as it may be printed to a CI log: visible (see above), and never the start of a workflow command. */
export function logLine(text: string): string {
  const line = visible(text);
  const start = line.length - line.trimStart().length;
  return line.startsWith('::', start) ? `${line.slice(0, start)}\\x3a${line.slice(start + 1)}` : line;
}

/** Every line of a text we print (our own lines with image text inside), each made safe as `logLine` does. */
export function logText(text: string): string {
  return text.split('\n').map(logLine).join('\n');
}

/** What JSON.stringify leaves raw that a terminal or viewer acts on (it escapes C0 itself). */
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON that parses to exactly the same strings, with every character a terminal would act on written as a
 * `\\uXXXX` escape, so `cat report.json` is as safe as the text report.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
