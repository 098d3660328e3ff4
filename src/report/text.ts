import { wrapInstruction } from './dockerfile-text.js';
import { countsLine, describeLocations, groupFindings } from './findings.js';
import { cleanHistory, shorten } from './history-text.js';
import type { JsonReport } from './json.js';
import type { LayerVerification } from '../model/image.js';
import { logText, visible } from './safe-text.js';
import { humanBytes, oneLine, percent, plural } from './units.js';

function table(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** A line broken at spaces to fit `width`, later lines indented; a word longer than the width stays whole. */
function wrap(text: string, width: number, indent: string): string[] {
  const body = text.trimStart();
  const lines: string[] = [];
  let line = text.slice(0, text.length - body.length);
  let empty = true;
  for (const word of body.split(' ')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** The verdict, then the findings grouped by rule (identical ones once, with all their places), each with its fix. */
export function formatFindings(report: Pick<JsonReport, 'findings' | 'verdict'>, width = 100): string[] {
  const { verdict, findings } = report;
  const lines = [`${verdict.result === 'fail' ? 'FAIL' : 'PASS'}  ${countsLine(verdict.counts)} (fail-on: ${verdict.failOn})`];
  const byRule = new Map<string, ReturnType<typeof groupFindings>>();
  for (const group of groupFindings(findings)) byRule.set(group.finding.rule, [...(byRule.get(group.finding.rule) ?? []), group]);
  for (const [rule, groups] of byRule) {
    lines.push('', rule);
    for (const { finding, locations } of groups) {
      const where = locations.length > 0 ? ` ${visible(describeLocations(locations))}` : '';
      lines.push(...wrap(`  ${finding.severity}${where}: ${oneLine(finding.message, 4000)}`, width, '    '));
      if (finding.fix) {
        lines.push(`    fix, in place of ${finding.fix.where}:`);
        for (const line of wrapInstruction(visible(finding.fix.text), Math.max(40, width - 6))) lines.push(`      ${line}`);
      }
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

/** "line 4: RUN apt-get …" when the Dockerfile says, else the history, cleaned. */
function createdBy(layer: JsonReport['layers'][number]): string {
  if (layer.instruction) return `line ${layer.instruction.line}: ${layer.instruction.text}`;
  return cleanHistory(layer.createdBy) ?? '(no history)';
}

function layerTable(report: JsonReport, width: number): string[] {
  const rows = [['#', 'Size', 'Files', 'Hidden', 'Created by']];
  for (const layer of report.layers) {
    rows.push([String(layer.index), humanBytes(layer.size), String(layer.files), humanBytes(layer.hiddenBytes), oneLine(shorten(createdBy(layer), Math.max(20, width - 40)), width)]);
  }
  return table(rows, new Set([0, 1, 2, 3]));
}

function hiddenTables(report: JsonReport, width: number): string[] {
  const { waste } = report;
  const lines: string[] = [];
  if (waste.directories.length > 0) {
    const rows = [['Size', 'Files', 'Added', 'Hidden', 'Directory']];
    for (const dir of waste.directories) {
      rows.push([humanBytes(dir.bytes), String(dir.files), dir.addedIn.map((l) => `#${l}`).join(','), dir.hiddenIn.map((l) => `#${l}`).join(','), oneLine(`${dir.path}/`, Math.max(20, width - 50))]);
    }
    lines.push('', 'Hidden directories (every hidden copy below them)', ...table(rows, new Set([0, 1])));
  }
  if (waste.files.length > 0) {
    const shown = waste.files.length < waste.hiddenFileCount ? ` (largest ${waste.files.length} of ${waste.hiddenFileCount})` : '';
    const rows = [['Size', 'Added', 'Hidden', 'How', 'Path']];
    for (const file of waste.files) rows.push([humanBytes(file.size), `#${file.addedIn}`, `#${file.hiddenIn}`, file.how, oneLine(file.path, Math.max(20, width - 45))]);
    lines.push('', `Hidden files${shown}`, ...table(rows, new Set([0])));
  }
  return lines;
}

/** The human report: the verdict and findings, the image, the layer table, the largest hidden directories and files. */
export function formatText(report: JsonReport, width = 100): string {
  const { image, waste } = report;
  const lines: string[] = [...formatFindings(report, width), ''];
  lines.push(`Image     ${visible(image.ref)}  (${visible(image.platform)})`);
  lines.push(`Digest    ${visible(image.digest)}${VERIFICATION_NOTE[image.layerVerification]}`);
  lines.push(`Size      ${humanBytes(image.totalBytes)} in ${plural(image.layerCount, 'layer')}`);
  lines.push(`Hidden    ${humanBytes(waste.hiddenBytes)} (${percent(waste.ratio)} of the image) in ${plural(waste.hiddenFileCount, 'file')}`);
  lines.push(`dive efficiency score  ${percent(waste.efficiency)}`);
  lines.push('', ...layerTable(report, width), ...hiddenTables(report, width));
  // Our lines carry image text: no line may reach a CI log as a workflow command.
  return logText(lines.join('\n')) + '\n';
}
