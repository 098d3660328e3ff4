import { posix, relative, isAbsolute } from 'node:path';
import type { JsonReport } from './json.js';
import { link, nowrap, table } from './markdown.js';
import { humanBytes } from './units.js';

/** Where the Dockerfile lives on GitHub, for links to a line at the commit being checked. */
export interface SourceLinks {
  /** `https://github.com` (GITHUB_SERVER_URL). */
  serverUrl: string;
  /** `owner/name` (GITHUB_REPOSITORY). */
  repository: string;
  /** The commit: a pull request's head sha, else GITHUB_SHA. */
  sha: string;
  /** The checkout's root (GITHUB_WORKSPACE): paths are made relative to it. */
  root: string;
}

export interface MarkdownInput {
  /** Tells apart several images or matrix legs in one PR. */
  header: string;
  report: JsonReport;
  /** Leading layers that came with the base image; shown as one row. */
  baseLayers: number;
  /** The base branch's image, for size deltas. */
  compareTo?: JsonReport;
  /** Where the complete report is (the job summary of this run). */
  detailsUrl?: string;
  /** With it, Dockerfile lines link to the file at the commit. */
  source?: SourceLinks;
}

/**
 * A part of the comment that can give up rows to fit GitHub's size limit: `render(shown)` draws it with
 * its first `shown` items and says how many it left out.
 */
export interface Section {
  /** How many of its rows (or blocks) to draw; lowered to fit. */
  shown: number;
  render(shown: number, more: (cut: number) => string[]): string[];
}

/** A section that is one table (plus lines around it). */
export function tableSection(head: string[], header: string[], align: Array<'l' | 'r' | 'c'>, rows: string[][], tail: string[] = []): Section {
  return {
    shown: rows.length,
    render: (shown, more) => (rows.length === 0 ? [] : [...head, ...table(header, align, rows.slice(0, shown)), ...more(rows.length - shown), ...tail]),
  };
}

/** A repository path for a file the report names (as given to the tool), or undefined when it is not in the checkout. */
export function repositoryPath(path: string, root: string | undefined): string | undefined {
  const rel = root && isAbsolute(path) ? relative(root, path) : path;
  const clean = posix.normalize(rel.split('\\').join('/')).replace(/^\.\//, '');
  return clean.startsWith('../') || isAbsolute(clean) ? undefined : clean;
}

/** "line 4" (or "lines 4–6"), linked to the file at the commit when the Action says where it is. */
export function lineLink(source: SourceLinks | undefined, path: string, line: number, endLine = line): string {
  const text = nowrap(endLine > line ? `lines ${line}–${endLine}` : `line ${line}`);
  const file = source ? repositoryPath(path, source.root) : undefined;
  if (!source || file === undefined) return text;
  const anchor = endLine > line ? `#L${line}-L${endLine}` : `#L${line}`;
  const encoded = file.split('/').map(encodeURIComponent).join('/');
  return link(text, `${source.serverUrl.replace(/\/+$/, '')}/${source.repository}/blob/${encodeURIComponent(source.sha)}/${encoded}${anchor}`);
}

/** Sizes and shares that never wrap inside a cell ("1.98 MB" is one word to a reader). */
export function bytesCell(bytes: number): string {
  return nowrap(humanBytes(bytes));
}

export function signedBytes(bytes: number): string {
  return nowrap(bytes === 0 ? '±0 B' : (bytes > 0 ? '+' : '−') + humanBytes(Math.abs(bytes)));
}

export function signedCount(n: number): string {
  return n === 0 ? '±0' : n > 0 ? `+${n}` : `−${-n}`;
}
