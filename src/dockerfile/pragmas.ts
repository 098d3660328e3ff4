/**
 * Inline pragmas: `# image-hygiene ignore=<rule>[,<rule>…] [reason]` on the line directly above an
 * instruction silences those rules there. A comment that starts like a pragma but applies to nothing, or
 * names a rule that does not exist, is a problem to report (a mistyped pragma must not pass silently).
 */
import { RULE_IDS } from '../rules/catalog.js';
import { closestName } from '../rules/suggest.js';
import type { Pragma, PragmaProblem } from './model.js';
import type { CommentLine } from './scan.js';

const PRAGMA_START = /^image-hygiene(?:\s|$)/i;
const PRAGMA = /^image-hygiene\s+ignore=(\S+)(?:\s+([\s\S]*))?$/;
const FORM = '`# image-hygiene ignore=<rule>[,<rule>] [reason]`';

function unknownRules(rules: string[], line: number): PragmaProblem[] {
  return rules
    .filter((rule) => !(RULE_IDS as readonly string[]).includes(rule))
    .map((rule) => {
      const close = closestName(rule, RULE_IDS);
      const hint = close !== undefined ? ` (did you mean ${close}?)` : ` (the rules are ${RULE_IDS.join(', ')})`;
      return { line, message: `The pragma names the rule "${rule}", which does not exist${hint}: it silences nothing.` };
    });
}

/** The pragmas of a file and what is wrong with the comments that look like pragmas. */
export function readPragmas(comments: readonly CommentLine[], instructionLines: ReadonlySet<number>): { pragmas: Map<number, Pragma>; problems: PragmaProblem[] } {
  const pragmas = new Map<number, Pragma>();
  const problems: PragmaProblem[] = [];
  for (const comment of comments) {
    if (!PRAGMA_START.test(comment.text)) continue;
    const match = PRAGMA.exec(comment.text);
    if (!match) {
      problems.push({ line: comment.line, message: `This comment starts like a pragma but is not one image-hygiene understands: write ${FORM}.` });
      continue;
    }
    if (comment.inside) {
      problems.push({ line: comment.line, message: 'This pragma is inside an instruction (between its continuation lines), where it applies to nothing: put it on the line directly above the instruction.' });
      continue;
    }
    if (!instructionLines.has(comment.line + 1)) {
      problems.push({ line: comment.line, message: 'This pragma applies to no instruction: it must be on the line directly above the instruction it silences.' });
      continue;
    }
    const rules = match[1]!.split(',').map((rule) => rule.trim()).filter((rule) => rule !== '');
    problems.push(...unknownRules(rules, comment.line));
    const pragma: Pragma = { rules, line: comment.line };
    const reason = match[2]?.trim();
    if (reason) pragma.reason = reason;
    pragmas.set(comment.line + 1, pragma);
  }
  return { pragmas, problems };
}
