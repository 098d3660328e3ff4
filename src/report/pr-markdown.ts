import { findingsSection, fixesSection } from './comment-findings.js';
import { hiddenSection } from './comment-hidden.js';
import { layersSection } from './comment-layers.js';
import { commentFooter, commentHead } from './comment-overview.js';
import type { MarkdownInput, Section } from './comment-parts.js';
import { link } from './markdown.js';

export type { MarkdownInput, SourceLinks } from './comment-parts.js';

/** The hidden marker that finds this comment again on the next push. */
export function commentMarker(header: string): string {
  return `<!-- image-hygiene:comment header="${encodeURIComponent(header)}" -->`;
}

/**
 * The report as a GitHub comment, under `maxLength` characters. Layout, top to bottom: the verdict as an
 * alert and an overview table; what to change (one row per thing to fix) and the paste-ready fixes; the
 * layers with a bar each (folded when long); where the hidden bytes are (folded). When it does not fit,
 * rows are cut (hidden files first, then layers, then fixes, then findings) and the cut is said.
 */
export function renderMarkdown(input: MarkdownInput, maxLength: number, marker?: string): string {
  const findings = findingsSection(input);
  const fixes = fixesSection(input);
  const layers = layersSection(input);
  const hidden = hiddenSection(input);
  const sections: Section[] = [findings, fixes, layers, hidden];
  const where = input.detailsUrl ? `: see the ${link('job summary', input.detailsUrl)}` : ' (see the job summary)';
  const more = (cut: number): string[] => (cut > 0 ? ['', `_${cut} more rows not shown here${where}._`] : []);
  const render = (): string =>
    [
      ...(marker ? [marker] : []),
      ...commentHead(input),
      ...sections.flatMap((section) => section.render(section.shown, more)),
      ...commentFooter(input),
    ].join('\n');
  let text = render();
  for (const section of [hidden, layers, fixes, findings]) {
    while (text.length > maxLength && section.shown > 0) {
      // Cut in large steps first, then row by row near the limit.
      const excess = text.length - maxLength;
      const rowLength = Math.max(1, Math.ceil(text.length / Math.max(1, sections.reduce((sum, s) => sum + s.shown, 0))));
      section.shown = Math.max(0, section.shown - Math.max(1, Math.floor(excess / rowLength / 2)));
      text = render();
    }
  }
  return text.length > maxLength ? text.slice(0, maxLength - 1) + '…' : text;
}
