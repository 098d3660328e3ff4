import { instructionText } from '../analysis/history.js';
import type { JsonReport } from './json.js';
import { cell, code, count, messageCell, table } from './markdown.js';
import { humanBytes, percent } from './units.js';

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
}

/** The hidden marker that finds this comment again on the next push. */
export function commentMarker(header: string): string {
  return `<!-- image-hygiene:comment header="${encodeURIComponent(header)}" -->`;
}

function signed(bytes: number): string {
  return bytes === 0 ? '±0 B' : (bytes > 0 ? '+' : '−') + humanBytes(Math.abs(bytes));
}

interface Section {
  /** Lines that are always kept. */
  head: string[];
  rows: string[][];
  tableHeader: string[];
  align: Array<'l' | 'r'>;
  tail: string[];
  /** How many rows to show; lowered to fit the size limit. */
  shown: number;
}

function verdictLine(input: MarkdownInput): string[] {
  const { report, header } = input;
  const { verdict, image } = report;
  const icon = verdict.result === 'fail' ? '❌' : '✅';
  const counts = `${count(verdict.counts.error, 'error')}, ${count(verdict.counts.warning, 'warning')}, ${count(verdict.counts.note, 'note')}`;
  const hidden = report.waste.hiddenBytes;
  const lines = [
    `### ${icon} Image Hygiene: ${cell(header)} — ${verdict.result === 'fail' ? 'failed' : 'passed'}`,
    '',
    `${code(image.ref)} · ${cell(image.platform)} · **${humanBytes(image.totalBytes)}** in ${count(image.layerCount, 'layer')} · ` +
      `**${humanBytes(hidden)} hidden** (${percent(report.waste.ratio)}) · ${counts} (fail-on: ${verdict.failOn})`,
  ];
  if (input.compareTo) {
    const base = input.compareTo;
    const baseIds = new Set(base.layers.map((layer) => layer.diffId));
    const added = report.layers.filter((layer) => !baseIds.has(layer.diffId)).length;
    const ids = new Set(report.layers.map((layer) => layer.diffId));
    const removed = base.layers.filter((layer) => !ids.has(layer.diffId)).length;
    lines.push(
      '',
      `Compared to ${code(base.image.ref)}: size ${signed(image.totalBytes - base.image.totalBytes)}, ` +
        `hidden ${signed(hidden - base.waste.hiddenBytes)}, ${added} new and ${count(removed, 'removed layer')}.`,
    );
  }
  return lines;
}

function findingsSection(report: JsonReport): Section {
  return {
    head: report.findings.length === 0 ? ['', 'No findings.'] : ['', '#### Findings', ''],
    tableHeader: ['Severity', 'Rule', 'Where', 'What to do'],
    align: ['l', 'l', 'l', 'l'],
    rows: report.findings.map((finding) => [
      finding.severity === 'error' ? '🔴 error' : finding.severity === 'warning' ? '🟡 warning' : '⚪ note',
      code(finding.rule),
      finding.location ? code(`${finding.location.path}:${finding.location.line}`) : 'image',
      messageCell(finding.message),
    ]),
    tail: [],
    shown: report.findings.length,
  };
}

function layersSection(input: MarkdownInput): Section {
  const { report, compareTo } = input;
  const total = report.image.totalBytes;
  const share = (bytes: number): string => (total === 0 ? '0.0 %' : percent(bytes / total));
  const known = new Set(compareTo?.layers.map((layer) => layer.diffId) ?? []);
  const rows: string[][] = [];
  const base = report.layers.slice(0, input.baseLayers);
  if (base.length > 0) {
    const size = base.reduce((sum, layer) => sum + layer.size, 0);
    const hidden = base.reduce((sum, layer) => sum + layer.hiddenBytes, 0);
    const range = base.length === 1 ? '0' : `0–${base.length - 1}`;
    rows.push([range, humanBytes(size), share(size), humanBytes(hidden), `base image (${count(base.length, 'layer')})`]);
  }
  for (const layer of report.layers.slice(input.baseLayers)) {
    const text = instructionText(layer.createdBy ?? undefined) ?? '(no history)';
    const short = text.length > 120 ? text.slice(0, 119) + '…' : text;
    const isNew = compareTo && !known.has(layer.diffId) ? ' 🆕' : '';
    rows.push([String(layer.index), humanBytes(layer.size), share(layer.size), layer.hiddenBytes > 0 ? `**${humanBytes(layer.hiddenBytes)}**` : '0 B', code(short) + isNew]);
  }
  return {
    head: ['', '<details open><summary><b>Layer sizes</b></summary>', ''],
    tableHeader: ['#', 'Size', 'Share', 'Hidden', 'Instruction'],
    align: ['r', 'r', 'r', 'r', 'l'],
    rows,
    tail: ['', '</details>'],
    shown: rows.length,
  };
}

function hiddenSection(report: JsonReport): Section {
  const files = report.waste.files;
  return {
    head: files.length === 0 ? [] : ['', `<details><summary><b>Largest hidden files</b> (${report.waste.hiddenFileCount} in all)</summary>`, ''],
    tableHeader: ['Size', 'Path', 'Added by', 'Hidden by', 'How'],
    align: ['r', 'l', 'r', 'r', 'l'],
    rows: files.map((file) => [humanBytes(file.size), code(file.path), `#${file.addedIn}`, `#${file.hiddenIn}`, file.how]),
    tail: files.length === 0 ? [] : ['', '</details>'],
    shown: files.length,
  };
}

function renderSection(section: Section, detailsUrl: string | undefined): string[] {
  if (section.rows.length === 0) return section.head;
  const cut = section.rows.length - section.shown;
  const where = detailsUrl ? `: see the [job summary](${detailsUrl})` : ' (see the job summary)';
  const more = cut > 0 ? ['', `_${cut} more rows not shown here${where}._`] : [];
  return [...section.head, ...table(section.tableHeader, section.align, section.rows.slice(0, section.shown)), ...more, ...section.tail];
}

/**
 * The report as GitHub Markdown, under `maxLength` characters: when it does not fit, rows are cut
 * (hidden files first, then layers, then findings) and the cut is said.
 */
export function renderMarkdown(input: MarkdownInput, maxLength: number, marker?: string): string {
  const sections = [findingsSection(input.report), layersSection(input), hiddenSection(input.report)];
  const render = (): string =>
    [
      ...(marker ? [marker] : []),
      ...verdictLine(input),
      ...sections.flatMap((section) => renderSection(section, input.detailsUrl)),
      '',
      `<sub>image-hygiene ${cell(input.report.tool.version)} · digest ${code(input.report.image.digest)}</sub>`,
    ].join('\n');
  let text = render();
  for (const section of [sections[2]!, sections[1]!, sections[0]!]) {
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
