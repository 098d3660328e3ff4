/**
 * Markdown for GitHub (cmark-gfm, then GitHub's HTML sanitiser, then its mention, issue-reference and
 * autolink filters) from text that may come from an image. Two safe forms:
 *
 * - a code span: its content is literal to the parser (no HTML, no autolink), and GitHub's filters skip code;
 * - inert text: Markdown and HTML specials escaped, and the triggers of GitHub's filters broken with a zero
 *   width space, which GitHub's filters see in the page's text (an entity would be decoded first): `@user`,
 *   `#123`, `GH-1`, `https://`, `www.`, `user@host`.
 *
 * Long unbroken runs (paths, URLs, hashes) get zero-width break opportunities, so they wrap instead of
 * widening a table past the comment. Everything from an image goes through `visible` first.
 */
import { visible } from './safe-text.js';

export const ZWSP = '\u200b';
export const NBSP = '\u00a0';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '|': '&#124;',
  '`': '&#96;',
  '\\': '&#92;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  '#': '&#35;',
  '!': '&#33;',
  '$': '&#36;',
};

/** After these a long run may break: path, URL and list separators. */
const SEPARATOR = /[/._:=,;&+@-]/;

/** Zero-width break opportunities in every run of more than `max` characters without a space. */
export function breakable(text: string, max = 30): string {
  return text.replace(/[^\s]+/g, (run) => (run.length <= max ? run : breakRun(run, max)));
}

function breakRun(run: string, max: number): string {
  let out = '';
  let sinceBreak = 0;
  for (const char of run) {
    out += char;
    sinceBreak++;
    if (SEPARATOR.test(char) || sinceBreak >= max) {
      out += ZWSP;
      sinceBreak = 0;
    }
  }
  return out.endsWith(ZWSP) ? out.slice(0, -1) : out;
}

/** Image text outside code: nothing in it can format, inject HTML, mention, link or reference an issue. */
export function inert(text: string): string {
  return visible(text)
    .replace(/[&<>"|`\\*_~[\]#!$]/g, (c) => ENTITIES[c]!)
    .replace(/@/g, `@${ZWSP}`)
    .replace(/&#35;/g, `&#35;${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\b(www)\./gi, `$1${ZWSP}.`)
    .replace(/\b(gh)-(?=\d)/gi, `$1-${ZWSP}`);
}

function fence(content: string): string {
  if (content === '') return '<code></code>';
  let longest = 0;
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const ticks = '`'.repeat(longest + 1);
  const edgeTick = content.startsWith('`') || content.endsWith('`');
  const edgeSpaces = content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '';
  const pad = edgeTick || edgeSpaces ? ' ' : '';
  return `${ticks}${pad}${content}${pad}${ticks}`;
}

/** A code span for a table cell: a table row splits at every unescaped `|`, even inside code. */
export function code(text: string, max = 30): string {
  return fence(breakable(visible(text).replace(/[\r\n]+/g, ' '), max).replace(/\|/g, '\\|'));
}

/**
 * A code span anywhere else (headings, alerts, paragraphs). No break opportunities are added: outside tables,
 * GitHub's CSS wraps long words (`overflow-wrap: break-word`), and a copied reference stays exact.
 */
export function inlineCode(text: string): string {
  return fence(visible(text));
}

/**
 * Code inside raw HTML (a `<summary>` line starts an HTML block, where Markdown is not parsed): entities for
 * everything HTML would read. Mention and reference filters skip `code` elements.
 */
export function htmlCode(text: string): string {
  const escaped = visible(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<code>${escaped}</code>`;
}

/** A message of ours where backticks mark code; a stray backtick from an image only moves what is code. */
export function messageMarkdown(text: string, inTable = true): string {
  return text
    .split('`')
    .map((part, index) => {
      // In a table, only runs longer than the widest column holds get break opportunities: code a reader
      // may copy (a pinned reference, a command) stays exact up to that length.
      if (index % 2 === 1) return inTable ? code(part, WIDE_CELL_RUN) : inlineCode(part);
      const words = keepUnits(part);
      return inert(inTable ? breakable(words, WIDE_CELL_RUN) : words);
    })
    .join('');
}

/** Monospace characters the widest column of a 780 px comment's table holds on one line. */
const WIDE_CELL_RUN = 60;

/** "16.4 kB", "24.4 %" in a sentence: the number and its unit stay together. */
function keepUnits(text: string): string {
  return text.replace(/(\d) (?=(?:B|kB|MB|GB|TB|%)(?![\w]))/g, `$1${NBSP}`);
}

/** Words that must stay on one line (`1.98 MB`, `24.4 %`). */
export function nowrap(text: string): string {
  return text.replace(/ /g, NBSP);
}

export function table(header: string[], align: Array<'l' | 'r' | 'c'>, rows: string[][]): string[] {
  const marks = { l: ':--', r: '--:', c: ':-:' };
  return [`| ${header.join(' | ')} |`, `|${align.map((a) => marks[a]).join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

/** A link whose text is ours; the URL is built from the Action's context and percent-encoded where it could break out. */
export function link(text: string, url: string): string {
  return `[${text}](${url.replace(/[()<> |\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})`;
}
