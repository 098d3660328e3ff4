import type { Finding, SourceLocation } from '../rules/types.js';
import { lineLink, repositoryPath, tableSection, type MarkdownInput, type Section } from './comment-parts.js';
import { wrapInstruction } from './dockerfile-text.js';
import { groupFindings, pasteFixes, type PasteFix } from './findings.js';
import { inlineCode, messageMarkdown } from './markdown.js';
import { visible } from './safe-text.js';

const ICON: Record<Finding['severity'], string> = { error: '🔴', warning: '🟡', note: '⚪' };
/** A fix's lines fit a code block in a 780 px comment (about 87 monospace characters). */
const FIX_WIDTH = 76;

function where(input: MarkdownInput, locations: readonly SourceLocation[]): string {
  if (locations.length === 0) return 'image';
  return locations.map((location) => lineLink(input.source, location.path, location.line)).join(', ');
}

/** One row per thing to fix: identical findings once, with every line they were found on. */
export function findingsSection(input: MarkdownInput): Section {
  const groups = groupFindings(input.report.findings);
  const rows = groups.map(({ finding, locations }) => [
    ICON[finding.severity],
    where(input, locations),
    // The rule first in the widest column: it never breaks at its hyphen there.
    `**${inlineCode(finding.rule)}** · ${messageMarkdown(finding.message)}`,
  ]);
  // One Dockerfile per audit: said once, so that a row's place is just its line.
  const paths = [...new Set(groups.flatMap((group) => group.locations.map((location) => location.path)))];
  const file = paths.length === 1 ? repositoryPath(paths[0]!, input.source?.root) : undefined;
  const lead = file === undefined ? [] : [`Lines are those of ${inlineCode(file)}.`, ''];
  const section = tableSection(['', '#### What to change', '', ...lead], ['', 'Where', 'Finding'], ['c', 'l', 'l'], rows);
  if (rows.length > 0) return section;
  return { ...section, render: () => ['', 'No findings.'] };
}

/** A fenced block that no line of `lines` can close. */
function codeBlock(lines: readonly string[], language: string): string[] {
  let longest = 2;
  for (const line of lines) for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, ...lines, fence];
}

/** Paste-ready Dockerfile text, for the findings that have it (fixes to the same RUN as one). */
export function fixesSection(input: MarkdownInput): Section {
  const fixes = pasteFixes(input.report.findings);
  const block = (fix: PasteFix): string[] => [
    '',
    `${fix.rules.map((rule) => inlineCode(rule)).join(', ')}: in place of ${messageMarkdown(fix.where, false)}:`,
    '',
    ...codeBlock(wrapInstruction(visible(fix.text), FIX_WIDTH), 'dockerfile'),
  ];
  return {
    shown: fixes.length,
    render: (shown, more) => (fixes.length === 0 ? [] : ['', '#### Paste-ready fixes', ...fixes.slice(0, shown).flatMap(block), ...more(fixes.length - shown)]),
  };
}
