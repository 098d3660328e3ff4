import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newBudget } from '../../../src/dockerfile/limits.js';
import { replaceMatches, reversePattern, trimPrefix, trimSuffix } from '../../../src/dockerfile/shell-pattern.js';

/**
 * A deliberately naive reference: the pattern as a list of pieces, matched by trying every split
 * (exponential, fine on short inputs). `*` is any run without a line feed, `?` one character but a line
 * feed, `\x` the literal x — Go's `.*`, `.` and escapes, as BuildKit converts the pattern.
 */
type Piece = { star: true } | { any: true } | { literal: string };

function pieces(pattern: string): Piece[] {
  const out: Piece[] = [];
  for (let index = 0; index < pattern.length; index++) {
    const ch = pattern[index]!;
    if (ch === '*') out.push({ star: true });
    else if (ch === '?') out.push({ any: true });
    else if (ch === '\\') out.push({ literal: pattern[++index]! });
    else out.push({ literal: ch });
  }
  return out;
}

function matchesWhole(pattern: Piece[], text: string): boolean {
  const [first, ...rest] = pattern;
  if (!first) return text === '';
  if ('star' in first) {
    for (let length = 0; length <= text.length; length++) {
      if (text.slice(0, length).includes('\n')) break;
      if (matchesWhole(rest, text.slice(length))) return true;
    }
    return false;
  }
  if (text === '') return false;
  if ('any' in first) return text[0] !== '\n' && matchesWhole(rest, text.slice(1));
  return text[0] === first.literal && matchesWhole(rest, text.slice(1));
}

function referencePrefix(value: string, pattern: string, longest: boolean): string {
  const lengths = [...Array(value.length + 1).keys()];
  if (longest) lengths.reverse();
  const found = lengths.find((length) => matchesWhole(pieces(pattern), value.slice(0, length)));
  return found === undefined ? value : value.slice(found);
}

function referenceSuffix(value: string, pattern: string, longest: boolean): string {
  const starts = [...Array(value.length + 1).keys()];
  if (!longest) starts.reverse();
  const found = starts.find((start) => matchesWhole(pieces(pattern), value.slice(start)));
  return found === undefined ? value : value.slice(0, found);
}

/** Leftmost start, longest end from there. */
function referenceSearch(value: string, pattern: string, from: number): [number, number] | undefined {
  for (let start = from; start <= value.length; start++) {
    for (let end = value.length; end >= start; end--) if (matchesWhole(pieces(pattern), value.slice(start, end))) return [start, end];
  }
  return undefined;
}

/** Go's ReplaceAllString loop (without `$` in the replacement). */
function referenceReplace(value: string, pattern: string, replacement: string, all: boolean): string {
  if (!all) {
    const match = referenceSearch(value, pattern, 0);
    return match ? value.slice(0, match[0]) + replacement + value.slice(match[1]) : value;
  }
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= value.length) {
    const match = referenceSearch(value, pattern, searchPos);
    if (!match) break;
    out += value.slice(lastEnd, match[0]);
    if (match[1] > lastEnd || match[0] === 0) out += replacement;
    lastEnd = match[1];
    searchPos = searchPos + 1 > match[1] ? searchPos + 1 : match[1];
  }
  return out + value.slice(lastEnd);
}

const value = fc.string({ unit: fc.constantFrom('a', 'b', '/', '\n', '*'), maxLength: 9 });
const pattern = fc.array(fc.constantFrom('a', 'b', '/', '\n', '*', '?', '\\*', '\\?', '\\\\'), { maxLength: 6 }).map((parts) => parts.join(''));

describe('shell patterns against a naive exponential reference', () => {
  it('#, ##, %, %% trim the shortest or longest matching prefix or suffix', () => {
    fc.assert(
      fc.property(value, pattern, fc.boolean(), (text, glob, longest) => {
        expect(trimPrefix(text, glob, longest, newBudget())).toBe(referencePrefix(text, glob, longest));
        expect(trimSuffix(text, glob, longest, newBudget())).toBe(referenceSuffix(text, glob, longest));
      }),
      { numRuns: 3000 },
    );
  });

  it('/ and // replace the leftmost-longest match(es), with Go\'s rules for empty matches', () => {
    fc.assert(
      fc.property(value, pattern, fc.constantFrom('', 'X', 'YZ'), fc.boolean(), (text, glob, replacement, all) => {
        expect(replaceMatches(text, glob, replacement, all, newBudget())).toBe(referenceReplace(text, glob, replacement, all));
      }),
      { numRuns: 3000 },
    );
  });

  it('reversing a pattern keeps escape pairs in order', () => {
    expect(reversePattern('a\\*b*')).toBe('*b\\*a');
    expect(reversePattern('\\\\x')).toBe('x\\\\');
  });

  it('the adversarial pattern of issue 14 (a*a*a…b on aaaa…) answers without backtracking', () => {
    const adversarial = '*a'.repeat(30) + 'b';
    const text = 'a'.repeat(5000);
    expect(replaceMatches(text, adversarial, 'x', false, newBudget())).toBe(text);
    expect(trimPrefix(text, adversarial, true, newBudget())).toBe(text);
    expect(trimSuffix(text + 'b', adversarial, false, newBudget())).toBe('a'.repeat(5000 - 30));
    expect(trimSuffix(text + 'b', adversarial, true, newBudget())).toBe('');
  });
});
