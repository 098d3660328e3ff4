/**
 * A PR comment rendered as GitHub renders it, to measure it in a real browser:
 *
 * 1. Markdown → HTML with Debian's `cmark-gfm` and the extensions github.com enables (table, strikethrough,
 *    autolink, tagfilter, tasklist), raw HTML kept (`--unsafe`): GitHub keeps it and sanitises afterwards.
 * 2. GitHub's sanitiser keeps an allow-list of elements and attributes. We do not imitate it: we check that
 *    every element and attribute the comment produces is on the list, so sanitising would change nothing.
 * 3. Alerts (`> [!CAUTION]`) become GitHub's `markdown-alert` boxes, as github.com does after rendering.
 * 4. The page is laid out in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core, no
 *    browser download) with github-markdown-css, in a box of a comment's width.
 *
 * Required in CI (scripts/test-env.sh installs cmark-gfm, chromium and an emoji font): missing tools fail.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const require = createRequire(__filename);

export const CHROMIUM = '/usr/bin/chromium';
/** A comment's body on github.com at a desktop width. */
export const COMMENT_WIDTH = 780;

/**
 * Elements and attributes GitHub keeps: the intersection of html-pipeline's allow-lists old and new
 * (`wbr` and `span` are only on the new one, so they are not relied on).
 */
export const ALLOWED_ELEMENTS = new Set(
  (
    'h1 h2 h3 h4 h5 h6 br b i strong em a pre code img tt div ins del sup sub p ol ul table thead tbody tfoot ' +
    'blockquote dl dt dd kbd q samp var hr ruby rt rp li tr td th s strike summary details'
  ).split(' '),
);
export const ALLOWED_ATTRIBUTES: Record<string, string[]> = { a: ['href'], img: ['src', 'alt'], '*': ['align', 'open', 'colspan', 'rowspan', 'title', 'lang'] };

export { cmarkGfm } from './cmark.js';

function markdownCss(): string {
  return readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8');
}

export interface RenderedComment {
  page: Page;
  /** Problems found by the in-page checks (empty when the comment is fine). */
  problems: string[];
}

export class CommentBrowser {
  private context: BrowserContext | undefined;
  private readonly profile = mkdtempSync(join(tmpdir(), 'image-hygiene-chromium-'));

  async start(): Promise<void> {
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: COMMENT_WIDTH + 40, height: 900 },
    });
  }

  async stop(): Promise<void> {
    await this.context?.close();
    rmSync(this.profile, { recursive: true, force: true });
  }

  /** Lay out the comment's HTML; nothing is fetched (links and images go nowhere). */
  async open(html: string): Promise<Page> {
    const page = await this.context!.newPage();
    await page.route('**/*', (route) => route.abort());
    const style = `${markdownCss()}\nbody{margin:0;padding:20px;background:#fff}\n.markdown-body{box-sizing:border-box;width:${COMMENT_WIDTH}px;padding:16px;border:1px solid #d1d9e0}`;
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>${style}</style></head><body><article class="markdown-body" id="comment">${html}</article></body></html>`);
    return page;
  }
}
