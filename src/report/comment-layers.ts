import { HIDDEN, KEPT, shareBar } from './bars.js';
import { bytesCell, lineLink, signedBytes, tableSection, type MarkdownInput, type Section } from './comment-parts.js';
import { cleanHistory, shorten } from './history-text.js';
import type { JsonReport } from './json.js';
import { NBSP, code, nowrap } from './markdown.js';
import { humanBytes, plural } from './units.js';

type Layer = JsonReport['layers'][number];

/** Instructions are shortened to this many characters in the table (the JSON report has them whole). */
const INSTRUCTION_CHARS = 72;
/** Longer tables are folded. */
const OPEN_ROWS = 12;

/** The Dockerfile's words with a link to the line when the layer maps to an instruction, else the history, cleaned. */
function instructionCell(input: MarkdownInput, layer: Layer): string {
  const instruction = layer.instruction;
  if (instruction) {
    const line = lineLink(input.source, instruction.path, instruction.line, instruction.endLine);
    return `${line} ${code(shorten(instruction.text, INSTRUCTION_CHARS))}`;
  }
  const text = cleanHistory(layer.createdBy);
  return text === undefined ? '(no history)' : code(shorten(text, INSTRUCTION_CHARS));
}

/** Layers of 0 bytes that hide nothing (ENV, WORKDIR, an empty RUN): one row for each run of them. */
function isMetadataOnly(layer: Layer): boolean {
  return layer.size === 0 && layer.hiddenBytes === 0 && layer.hidesBytes === 0;
}

/** Per layer, against the base branch's image: unchanged, changed (same instruction, other bytes) or new. */
function deltaOf(layer: Layer, compareTo: JsonReport): string {
  if (compareTo.layers.some((other) => other.diffId === layer.diffId)) return '=';
  const text = cleanHistory(layer.createdBy);
  const before = compareTo.layers.find((other) => text !== undefined && cleanHistory(other.createdBy) === text);
  return before ? signedBytes(layer.size - before.size) : `🆕${NBSP}new`;
}

function range(first: number, last: number): string {
  return first === last ? String(first) : `${first}–${last}`;
}

function layerRows(input: MarkdownInput): string[][] {
  const { report, compareTo } = input;
  const total = report.image.totalBytes;
  const share = (bytes: number, hidden: number): string => {
    const bar = shareBar(bytes, hidden, total);
    const pct = total === 0 ? '0 %' : `${Math.round((bytes / total) * 100)} %`;
    return `${bar === '' ? '' : `${code(bar)}${NBSP}`}${nowrap(pct)}`;
  };
  const withDelta = (cells: string[], delta: string): string[] => (compareTo ? [...cells, delta] : cells);
  const rows: string[][] = [];
  const base = report.layers.slice(0, input.baseLayers);
  if (base.length > 0) {
    const size = base.reduce((sum, layer) => sum + layer.size, 0);
    const hidden = base.reduce((sum, layer) => sum + layer.hiddenBytes, 0);
    const deltas = compareTo ? base.map((layer) => deltaOf(layer, compareTo)) : [];
    rows.push(withDelta([range(0, base.length - 1), bytesCell(size), share(size, hidden), bytesCell(hidden), `base image (${plural(base.length, 'layer')})`], deltas.every((d) => d === '=') ? '=' : 'changed'));
  }
  const rest = report.layers.slice(input.baseLayers);
  for (let i = 0; i < rest.length; i++) {
    const layer = rest[i]!;
    let last = i;
    while (isMetadataOnly(layer) && last + 1 < rest.length && isMetadataOnly(rest[last + 1]!)) last++;
    if (last > i) {
      const run = rest.slice(i, last + 1);
      const words = run.map((l) => cleanHistory(l.createdBy)?.split(' ')[0] ?? '?');
      rows.push(withDelta([range(layer.index, rest[last]!.index), bytesCell(0), '', bytesCell(0), `${plural(run.length, 'empty layer')} (${[...new Set(words)].join(', ')})`], ''));
      i = last;
      continue;
    }
    const hidden = layer.hiddenBytes > 0 ? `**${bytesCell(layer.hiddenBytes)}**` : bytesCell(0);
    rows.push(withDelta([String(layer.index), bytesCell(layer.size), share(layer.size, layer.hiddenBytes), hidden, instructionCell(input, layer)], compareTo ? deltaOf(layer, compareTo) : ''));
  }
  return rows;
}

export function layersSection(input: MarkdownInput): Section {
  const { report, compareTo } = input;
  const rows = layerRows(input);
  const open = rows.length <= OPEN_ROWS ? ' open' : '';
  const summary = `<details${open}><summary><b>Layers</b>: ${plural(report.image.layerCount, 'layer')}, ${humanBytes(report.image.totalBytes)}; ${KEPT} kept, ${HIDDEN} hidden by later layers</summary>`;
  const header = ['#', 'Size', 'Share', 'Hidden', 'Instruction', ...(compareTo ? ['Δ'] : [])];
  const align: Array<'l' | 'r'> = ['r', 'r', 'l', 'r', 'l', ...(compareTo ? (['r'] as const) : [])];
  const gone = compareTo ? compareTo.layers.filter((layer) => !report.layers.some((l) => l.diffId === layer.diffId)) : [];
  const goneLine = gone.length > 0 ? ['', `Not in this image any more: ${plural(gone.length, 'layer')} of the compared image (${humanBytes(gone.reduce((s, l) => s + l.size, 0))}).`] : [];
  return tableSection(['', summary, ''], header, align, rows, [...goneLine, '', '</details>']);
}
