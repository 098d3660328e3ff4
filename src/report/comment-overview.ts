import { bytesCell, signedBytes, signedCount, type MarkdownInput } from './comment-parts.js';
import { countsLine } from './findings.js';
import { inert, inlineCode, link, nowrap, table } from './markdown.js';
import { percent, plural } from './units.js';

/** The verdict as a GitHub alert: red when the check fails, yellow when it passes with problems. */
function alert(input: MarkdownInput): string[] {
  const { verdict } = input.report;
  const { error, warning, note } = verdict.counts;
  const failOn = `(fail-on: ${verdict.failOn})`;
  if (verdict.result === 'fail') return ['> [!CAUTION]', `> **Failed** ${failOn}: ${countsLine(verdict.counts)}.`];
  if (error + warning > 0) return ['> [!WARNING]', `> **Passed**, with problems to look at ${failOn}: ${countsLine(verdict.counts)}.`];
  if (note > 0) return ['> [!NOTE]', `> **Passed** ${failOn}: ${plural(note, 'note')}, nothing to fix.`];
  return ['> [!TIP]', `> **Passed** ${failOn}: no findings.`];
}

function findingCounts(counts: Record<'error' | 'warning' | 'note', number>): string {
  return [`🔴 ${counts.error}`, `🟡 ${counts.warning}`, `⚪ ${counts.note}`].map(nowrap).join(' · ');
}

/** Size, hidden bytes, layers and findings at a glance; with compare-to, the deltas under them. */
function overviewTable(input: MarkdownInput): string[] {
  const { report, compareTo } = input;
  const { image, waste, verdict } = report;
  const rows = [
    ['**This image**', bytesCell(image.totalBytes), `${bytesCell(waste.hiddenBytes)} · ${nowrap(percent(waste.ratio))}`, String(image.layerCount), findingCounts(verdict.counts)],
  ];
  const lines: string[] = [];
  if (compareTo) {
    const base = compareTo.image;
    const baseIds = new Set(compareTo.layers.map((layer) => layer.diffId));
    const ids = new Set(report.layers.map((layer) => layer.diffId));
    const added = report.layers.filter((layer) => !baseIds.has(layer.diffId)).length;
    const removed = compareTo.layers.filter((layer) => !ids.has(layer.diffId)).length;
    rows.push(['Δ', signedBytes(image.totalBytes - base.totalBytes), signedBytes(waste.hiddenBytes - compareTo.waste.hiddenBytes), signedCount(image.layerCount - base.layerCount), '']);
    lines.push('', `Δ: compared to ${inlineCode(base.ref)}, ${plural(added, 'new layer')} and ${plural(removed, 'layer')} no longer there.`);
  }
  return [...table(['', 'Size', 'Hidden', 'Layers', 'Findings'], ['l', 'r', 'r', 'r', 'l'], rows), ...lines];
}

export function commentHead(input: MarkdownInput): string[] {
  return [`### Image Hygiene · ${inlineCode(input.header)}`, '', ...alert(input), '', ...overviewTable(input)];
}

export function commentFooter(input: MarkdownInput): string[] {
  const { report, detailsUrl } = input;
  const parts = [
    `image-hygiene ${inert(report.tool.version)}`,
    `${inlineCode(report.image.ref)} · ${inlineCode(report.image.platform)}`,
    `digest ${inlineCode(report.image.digest)}`,
  ];
  if (detailsUrl) parts.push(link('job summary', detailsUrl));
  return ['', `<sub>${parts.join(' · ')}</sub>`];
}
