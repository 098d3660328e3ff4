import type { Finding, Severity, SourceLocation } from '../rules/types.js';
import { plural } from './units.js';

/** One thing for a reader to fix: findings that say the same thing (rule, severity, message, fix) at several places. */
export interface FindingGroup {
  finding: Finding;
  /** Every place it was found, in the order of the findings. */
  locations: SourceLocation[];
}

/** Identical findings merged, in the order they first occur. */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const finding of findings) {
    const key = JSON.stringify([finding.rule, finding.severity, finding.message, finding.fix?.text ?? null]);
    const group = groups.get(key);
    if (!group) groups.set(key, { finding, locations: finding.location ? [finding.location] : [] });
    else if (finding.location) group.locations.push(finding.location);
  }
  return [...groups.values()];
}

/** "Dockerfile:4", "Dockerfile:4, 9": the lines of one file together. */
export function describeLocations(locations: readonly SourceLocation[]): string {
  const byPath = new Map<string, number[]>();
  for (const { path, line } of locations) byPath.set(path, [...(byPath.get(path) ?? []), line]);
  return [...byPath].map(([path, lines]) => `${path}:${[...new Set(lines)].join(', ')}`).join('; ');
}

/** "1 error, 2 warnings, 0 notes". */
export function countsLine(counts: Record<Severity, number>): string {
  return `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}`;
}

/** Dockerfile text to paste, for the rules that gave it: fixes that append to the same RUN become one. */
export interface PasteFix {
  rules: string[];
  where: string;
  text: string;
}

export function pasteFixes(findings: readonly Finding[]): PasteFix[] {
  const fixes: Array<PasteFix & { appendsTo?: string; appended: string[]; places: string[] }> = [];
  for (const { rule, fix } of findings) {
    if (!fix) continue;
    const prefix = fix.appendsTo === undefined ? undefined : `RUN ${fix.appendsTo} && `;
    const same = prefix && fix.text.startsWith(prefix) ? fixes.find((other) => other.appendsTo === fix.appendsTo) : undefined;
    if (!same) {
      const appended = prefix && fix.text.startsWith(prefix) ? [fix.text.slice(prefix.length)] : [];
      fixes.push({ rules: [rule], where: fix.where, text: fix.text, ...(appended.length > 0 ? { appendsTo: fix.appendsTo! } : {}), appended, places: fix.where.split(' and ') });
      continue;
    }
    const added = fix.text.slice(prefix!.length);
    if (!same.appended.includes(added)) same.appended.push(added);
    if (!same.rules.includes(rule)) same.rules.push(rule);
    for (const place of fix.where.split(' and ')) if (!same.places.includes(place)) same.places.push(place);
    same.text = `RUN ${same.appendsTo} && ${same.appended.join(' && ')}`;
    same.where = same.places.join(' and ');
  }
  return fixes.map(({ rules, where, text }) => ({ rules, where, text }));
}
