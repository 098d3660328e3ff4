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

/** The base branch's image, indexed once: its layers by diff id and by instruction. */
interface Compared {
  ids: Set<string>;
  byInstruction: Map<string, Layer>;
}

function compared(compareTo: JsonReport): Compared {
  const byInstruction = new Map<string, Layer>();
  for (const layer of compareTo.layers) {
    const text = cleanHistory(layer.createdBy);
    if (text !== undefined && !byInstruction.has(text)) byInstruction.set(text, layer);
  }
  return { ids: new Set(compareTo.layers.map((layer) => layer.diffId)), byInstruction };
}

/** Per layer, against the base branch's image: unchanged, changed (same instruction, other bytes) or new. */
function deltaOf(layer: Layer, base: Compared): string {
  if (base.ids.has(layer.diffId)) return '=';
  const text = cleanHistory(layer.createdBy);
  const before = text === undefined ? undefined : base.byInstruction.get(text);
  return before ? signedBytes(layer.size - before.size) : `🆕${NBSP}new`;
}

function range(first: number, last: number): string {
  return first === last ? String(first) : `${first}–${last}`;
}

/** A layer's share of the image: its bar and a whole percentage, on one line. */
function shareCell(bytes: number, hidden: number, total: number): string {
  const bar = shareBar(bytes, hidden, total);
  const pct = total === 0 ? '0 %' : `${Math.round((bytes / total) * 100)} %`;
  return `${bar === '' ? '' : `${code(bar)}${NBSP}`}${nowrap(pct)}`;
}

function baseRow(base: readonly Layer[], total: number, against: Compared | undefined): string[] {
  const size = base.reduce((sum, layer) => sum + layer.size, 0);
  const hidden = base.reduce((sum, layer) => sum + layer.hiddenBytes, 0);
  const cells = [range(0, base.length - 1), bytesCell(size), shareCell(size, hidden, total), bytesCell(hidden), `base image (${plural(base.length, 'layer')})`];
  if (!against) return cells;
  return [...cells, base.every((layer) => against.ids.has(layer.diffId)) ? '=' : 'changed'];
}

/** A run of layers of 0 bytes that hide nothing, as one row naming their instructions' keywords. */
function emptyRunRow(run: readonly Layer[], against: Compared | undefined): string[] {
  const keywords = [...new Set(run.map((layer) => cleanHistory(layer.createdBy)?.split(' ')[0] ?? '?'))];
  const cells = [range(run[0]!.index, run.at(-1)!.index), bytesCell(0), '', bytesCell(0), `${plural(run.length, 'empty layer')} (${keywords.join(', ')})`];
  return against ? [...cells, ''] : cells;
}

function layerRows(input: MarkdownInput): string[][] {
  const { report } = input;
  const total = report.image.totalBytes;
  const against = input.compareTo ? compared(input.compareTo) : undefined;
  const rows: string[][] = [];
  if (input.baseLayers > 0) rows.push(baseRow(report.layers.slice(0, input.baseLayers), total, against));
  const rest = report.layers.slice(input.baseLayers);
  for (let i = 0; i < rest.length; i++) {
    const layer = rest[i]!;
    let last = i;
    while (isMetadataOnly(layer) && last + 1 < rest.length && isMetadataOnly(rest[last + 1]!)) last++;
    if (last > i) {
      rows.push(emptyRunRow(rest.slice(i, last + 1), against));
      i = last;
      continue;
    }
    const hidden = layer.hiddenBytes > 0 ? `**${bytesCell(layer.hiddenBytes)}**` : bytesCell(0);
    const cells = [String(layer.index), bytesCell(layer.size), shareCell(layer.size, layer.hiddenBytes, total), hidden, instructionCell(input, layer)];
    rows.push(against ? [...cells, deltaOf(layer, against)] : cells);
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
  const ids = new Set(report.layers.map((layer) => layer.diffId));
  const gone = compareTo ? compareTo.layers.filter((layer) => !ids.has(layer.diffId)) : [];
  const goneLine = gone.length > 0 ? ['', `Not in this image any more: ${plural(gone.length, 'layer')} of the compared image (${humanBytes(gone.reduce((s, l) => s + l.size, 0))}).`] : [];
  return tableSection(['', summary, ''], header, align, rows, [...goneLine, '', '</details>']);
}
