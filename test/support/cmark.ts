import { execFileSync } from 'node:child_process';

/**
 * Markdown to HTML as github.com's renderer does it: cmark-gfm (Debian's package) with the extensions GitHub
 * enables, raw HTML kept (GitHub keeps it, then sanitises), fenced code as `<pre lang>` as GitHub writes it.
 */
export function cmarkGfm(markdown: string): string {
  const args = ['-e', 'table', '-e', 'strikethrough', '-e', 'autolink', '-e', 'tagfilter', '-e', 'tasklist', '--unsafe', '--github-pre-lang'];
  return execFileSync('cmark-gfm', args, { input: markdown, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** The text a reader (and GitHub's mention, reference and link filters) sees outside code, pre and links. */
export function textOutsideCode(html: string): string {
  return html
    .replace(/<(code|pre|a)\b[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|\w+);/gi, (entity, name: string) =>
      name.startsWith('#x') ? String.fromCodePoint(parseInt(name.slice(2), 16)) : name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : (ENTITIES[name] ?? entity),
    );
}

/** What GitHub's filters would link in text outside code: mentions, issue references, URLs, e-mail addresses. */
export const FILTER_TRIGGERS: Array<[string, RegExp]> = [
  ['mention', /(?:^|[^\w`])@[a-z0-9][a-z0-9-]*/i],
  ['issue reference', /(?:^|[^\w&])#\d+/],
  ['GH- reference', /\bgh-\d+/i],
  ['cross-repository reference', /[\w.-]+\/[\w.-]+#\d+/],
  ['URL', /\b(?:https?|ftp):\/\//i],
  ['www link', /\bwww\.[a-z0-9-]/i],
  ['e-mail address', /[\w.+-]+@[\w-]+\.[\w.-]+/],
];
