/**
 * A Dockerfile instruction to paste, laid out to fit a width: broken before `&&`, `||` and `;` first, then at
 * spaces, with ` \` continuations, which Dockerfile parsers join back into the one line. A continuation line
 * never starts with `#` (a Dockerfile would read it as a comment).
 */

const INDENT = '    ';

function breakPoints(text: string): Array<{ at: number; strong: boolean }> {
  const points: Array<{ at: number; strong: boolean }> = [];
  let quote: string | undefined;
  for (let i = 1; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    if (char !== ' ' || text[i + 1] === '#' || text[i + 1] === ' ') continue;
    const next = text.slice(i + 1, i + 3);
    points.push({ at: i, strong: next === '&&' || next === '||' || text[i - 1] === ';' });
  }
  return points;
}

/** `text` (one logical line) as lines of at most `width` characters where spaces allow. */
export function wrapInstruction(text: string, width: number): string[] {
  const flat = text.replace(/[ \t]+/g, ' ').trim();
  if (flat.length <= width) return [flat];
  const lines: string[] = [];
  let start = 0;
  let room = width - 2; // the first line has no indent; every line but the last ends with " \"
  const points = breakPoints(flat);
  let next = 0; // the first break point after `start`; each point is looked at about twice in all
  while (flat.length - start > room + 2 && next < points.length) {
    let strong: number | undefined;
    let weak: number | undefined;
    for (let i = next; i < points.length && (points[i]!.at - start <= room || weak === undefined); i++) {
      weak = i;
      if (points[i]!.strong && points[i]!.at - start <= room) strong = i;
      if (points[i]!.at - start > room) break; // nothing fits: take the first point past the width
    }
    // A strong break (before &&) unless it would leave the line less than half full.
    const chosen = strong !== undefined && points[strong]!.at - start >= room / 2 ? strong : weak!;
    lines.push((lines.length === 0 ? '' : INDENT) + flat.slice(start, points[chosen]!.at) + ' \\');
    start = points[chosen]!.at + 1;
    next = chosen + 1;
    room = width - 2 - INDENT.length;
  }
  lines.push((lines.length === 0 ? '' : INDENT) + flat.slice(start));
  return lines;
}
