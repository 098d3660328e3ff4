import { instructionText } from '../analysis/history.js';
import type { JsonReport } from './json.js';
import { humanBytes, oneLine, percent } from './units.js';

function table(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** The human report: the image, the layer table, the largest hidden files. */
export function formatText(report: JsonReport, width = 100): string {
  const { image, waste } = report;
  const lines: string[] = [];
  lines.push(`Image     ${image.ref}  (${image.platform})`);
  lines.push(`Digest    ${image.digest}`);
  lines.push(`Size      ${humanBytes(image.totalBytes)} in ${image.layerCount} layers`);
  lines.push(`Hidden    ${humanBytes(waste.hiddenBytes)} (${percent(waste.ratio)} of the image) in ${waste.hiddenFileCount} files`);
  lines.push(`dive efficiency score  ${percent(waste.efficiency)}`);
  lines.push('');
  const layerRows = [['#', 'Size', 'Files', 'Hidden', 'Created by']];
  for (const layer of report.layers) {
    const instruction = instructionText(layer.createdBy ?? undefined) ?? '(no history)';
    layerRows.push([String(layer.index), humanBytes(layer.size), String(layer.files), humanBytes(layer.hiddenBytes), oneLine(instruction, Math.max(20, width - 40))]);
  }
  lines.push(...table(layerRows, new Set([0, 1, 2, 3])));
  if (waste.files.length > 0) {
    lines.push('');
    const shown = waste.files.length < waste.hiddenFileCount ? ` (largest ${waste.files.length} of ${waste.hiddenFileCount})` : '';
    lines.push(`Hidden files${shown}`);
    const fileRows = [['Size', 'Added', 'Hidden', 'How', 'Path']];
    for (const file of waste.files) {
      fileRows.push([humanBytes(file.size), `#${file.addedIn}`, `#${file.hiddenIn}`, file.how, oneLine(file.path, Math.max(20, width - 45))]);
    }
    lines.push(...table(fileRows, new Set([0])));
  }
  return lines.join('\n') + '\n';
}
