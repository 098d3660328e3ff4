import { instructionText } from '../analysis/history.js';
import type { JsonReport } from './json.js';
import type { LayerVerification } from '../model/image.js';
import { count } from './markdown.js';
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

export function formatFindings(report: Pick<JsonReport, 'findings' | 'verdict'>): string[] {
  const { verdict, findings } = report;
  const counts = `${count(verdict.counts.error, 'error')}, ${count(verdict.counts.warning, 'warning')}, ${count(verdict.counts.note, 'note')}`;
  const lines = [`${verdict.result === 'fail' ? 'FAIL' : 'PASS'}  ${counts} (fail-on: ${verdict.failOn})`];
  const byRule = new Map<string, typeof findings>();
  for (const finding of findings) byRule.set(finding.rule, [...(byRule.get(finding.rule) ?? []), finding]);
  for (const [rule, group] of byRule) {
    lines.push('', `${rule}`);
    for (const finding of group) {
      const where = finding.location ? ` ${finding.location.path}:${finding.location.line}` : '';
      lines.push(`  ${finding.severity}${where}: ${oneLine(finding.message, 2000)}`);
    }
  }
  return lines;
}

const VERIFICATION_NOTE: Record<LayerVerification, string> = {
  sha256: '',
  sha512: '  (layer blobs verified by sha512, their tars by sha256)',
  engine: '  (layers verified by the Docker engine as it exported them)',
  skipped: '  (layers not verified: --no-verify)',
};

/** The human report: the verdict and findings, the image, the layer table, the largest hidden files. */
export function formatText(report: JsonReport, width = 100): string {
  const { image, waste } = report;
  const lines: string[] = [...formatFindings(report), ''];
  lines.push(`Image     ${image.ref}  (${image.platform})`);
  lines.push(`Digest    ${image.digest}${VERIFICATION_NOTE[image.layerVerification]}`);
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
