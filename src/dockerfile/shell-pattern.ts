/**
 * The shell patterns of `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`, `${V/p/r}` and `${V//p/r}`, matched the way
 * BuildKit matches them (`frontend/dockerfile/shell/lex.go`, dockerfile 1.7+): it turns the pattern into a Go
 * regexp (RE2) where `*` is `.*` (`.*?` for the shortest forms), `?` is `.` and everything else is literal
 * — `[...]` too, there are no bracket classes — and `.` never matches a line feed. Go's leftmost-first
 * semantics on such a regexp give exactly the set semantics used here (checked against Go's regexp on a
 * million random cases): `#` the shortest matching prefix, `##` the longest, `%`/`%%` the same on the
 * reversed value and pattern (BuildKit reverses both), `/` the leftmost match and, from there, the longest.
 *
 * The matcher is a Thompson NFA run over the value with its state set as a bit vector: no backtracking,
 * O(length of value × pattern length / 32) word operations per search, counted against a budget.
 */

import { ANY_BUT_BARRIER, GlobAutomaton, STAR_BUT_BARRIER, type Token } from '../glob-automaton.js';
import { LIMITS, LimitError, type ExpansionBudget } from './limits.js';

const ANY = ANY_BUT_BARRIER;
const STAR = STAR_BUT_BARRIER;
const LINE_FEED = 10;

/** The automaton of a shell pattern: `*` and `?` never match a line feed; its steps are charged to the file's budget. */
class Automaton extends GlobAutomaton {
  constructor(tokens: Token[], budget: ExpansionBudget) {
    super(tokens, LINE_FEED, (words) => {
      budget.matchWork -= words;
      if (budget.matchWork < 0) {
        throw new LimitError(`the patterns of \${…} in this file need more than ${LIMITS.matchWork.toLocaleString('en-US')} steps to match (image-hygiene's limit)`);
      }
    });
  }
}

/** A pattern BuildKit refuses (its message). */
export class PatternError extends Error {}

/**
 * BuildKit's conversion of a pattern to a regexp, as tokens. A backslash escapes `*`, `?` and `\`; before
 * `}` or `/` it is dropped (those had to be escaped inside `${}`); before anything else it is an error.
 */
export function compilePattern(pattern: string): Token[] {
  const runes = Array.from(pattern, (ch) => ch.codePointAt(0)!);
  const tokens: Token[] = [];
  for (let index = 0; index < runes.length; index++) {
    const rune = runes[index]!;
    if (rune === 0x2a /* * */) tokens.push(STAR);
    else if (rune === 0x3f /* ? */) tokens.push(ANY);
    else if (rune === 0x5c /* \ */) {
      const next = runes[index + 1];
      if (next === 0x7d /* } */ || next === 0x2f /* / */) continue;
      index++;
      if (next !== 0x2a && next !== 0x3f && next !== 0x5c) {
        throw new PatternError(`invalid escape '\\${next === undefined ? '\uFFFD' : String.fromCodePoint(next)}'`);
      }
      tokens.push(next);
    } else tokens.push(rune);
  }
  return tokens;
}

/** BuildKit's reversal of a pattern for `%`: escape pairs (`\*`) keep their order. */
export function reversePattern(pattern: string): string {
  const runes = Array.from(pattern);
  const out: string[] = new Array<string>(runes.length);
  const last = runes.length - 1;
  for (let index = 0; index <= last; ) {
    const outIndex = last - index;
    if (runes[index] === '\\' && index !== last) {
      out[outIndex - 1] = '\\';
      out[outIndex] = runes[index + 1]!;
      index += 2;
    } else {
      out[outIndex] = runes[index]!;
      index++;
    }
  }
  return out.join('');
}

/** Length of the shortest or longest prefix of `runes[from..]` the pattern matches whole; -1 when none. */
function prefixMatch(automaton: Automaton, runes: readonly number[], from: number, longest: boolean): number {
  const set = automaton.start();
  let found = automaton.accepts(set) ? 0 : -1;
  if (found === 0 && !longest) return 0;
  for (let index = from; index < runes.length; index++) {
    if (!automaton.step(set, runes[index]!)) break;
    if (automaton.accepts(set)) {
      found = index + 1 - from;
      if (!longest) break;
    }
  }
  return found;
}

function toRunes(text: string): number[] {
  return Array.from(text, (ch) => ch.codePointAt(0)!);
}

function fromRunes(runes: readonly number[], start = 0, end = runes.length): string {
  let out = '';
  for (let index = start; index < end; index += 4096) out += String.fromCodePoint(...runes.slice(index, Math.min(end, index + 4096)));
  return out;
}

/** `${V#p}` (shortest) and `${V##p}` (longest): the value without the matching prefix. */
export function trimPrefix(value: string, pattern: string, longest: boolean, budget: ExpansionBudget): string {
  const automaton = new Automaton(compilePattern(pattern), budget);
  const runes = toRunes(value);
  const length = prefixMatch(automaton, runes, 0, longest);
  return length < 0 ? value : fromRunes(runes, length);
}

/** `${V%p}` and `${V%%p}`: BuildKit reverses the pattern and the value and trims a prefix. */
export function trimSuffix(value: string, pattern: string, longest: boolean, budget: ExpansionBudget): string {
  const automaton = new Automaton(compilePattern(reversePattern(pattern)), budget);
  const reversed = toRunes(value).reverse();
  const length = prefixMatch(automaton, reversed, 0, longest);
  return length < 0 ? value : fromRunes(reversed.slice(length).reverse());
}

/**
 * Every position where a match starts, found in one pass of the reversed pattern over the reversed value
 * (a match of the pattern starting at i is a match of the reversed pattern ending at n - i).
 */
function matchStarts(tokens: Token[], runes: readonly number[], budget: ExpansionBudget): boolean[] {
  const reversed = new Automaton([...tokens].reverse(), budget);
  const starts = new Array<boolean>(runes.length + 1).fill(false);
  const set = reversed.start();
  starts[runes.length] = reversed.accepts(set);
  for (let index = runes.length - 1; index >= 0; index--) {
    reversed.step(set, runes[index]!);
    reversed.inject(set);
    starts[index] = reversed.accepts(set);
  }
  return starts;
}

/**
 * Go's `$` expansion in `ReplaceAllString`'s template, for a regexp without groups: `$$` is `$`, `$0` and
 * `${0}` the match, any other `$name`/`${name}` nothing, and a `$` that starts no name stays.
 */
const TEMPLATE_NAME = /[\p{L}\p{Nd}_]+/uy;

function expandTemplate(template: string, match: string): string {
  let out = '';
  let index = 0;
  for (;;) {
    const dollar = template.indexOf('$', index);
    if (dollar < 0) return out + template.slice(index);
    out += template.slice(index, dollar);
    index = dollar + 1;
    if (template[index] === '$') {
      out += '$';
      index++;
      continue;
    }
    const brace = template[index] === '{';
    TEMPLATE_NAME.lastIndex = brace ? index + 1 : index;
    const name = TEMPLATE_NAME.exec(template)?.[0];
    const end = name === undefined ? -1 : (brace ? index + 1 : index) + name.length;
    if (name === undefined || (brace && template[end] !== '}')) {
      out += '$';
      continue;
    }
    index = brace ? end + 1 : end;
    if (name === '0') out += match;
  }
}

/** `${V/p/r}` (first match) and `${V//p/r}` (every match, with Go's rules for empty matches and `$` in `r`). */
export function replaceMatches(value: string, pattern: string, replacement: string, all: boolean, budget: ExpansionBudget): string {
  const tokens = compilePattern(pattern);
  const runes = toRunes(value);
  const starts = matchStarts(tokens, runes, budget);
  const forward = new Automaton(tokens, budget);
  let nextStart = 0;
  const search = (from: number): [number, number] | undefined => {
    if (nextStart < from) nextStart = from;
    while (nextStart <= runes.length && !starts[nextStart]) nextStart++;
    if (nextStart > runes.length) return undefined;
    return [nextStart, nextStart + prefixMatch(forward, runes, nextStart, true)];
  };
  if (!all) {
    const match = search(0);
    return match ? fromRunes(runes, 0, match[0]) + replacement + fromRunes(runes, match[1]) : value;
  }
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= runes.length) {
    const match = search(searchPos);
    if (!match) break;
    out += fromRunes(runes, lastEnd, match[0]);
    // Go inserts no replacement for an empty match right after the previous match.
    if (match[1] > lastEnd || match[0] === 0) out += expandTemplate(replacement, fromRunes(runes, match[0], match[1]));
    if (out.length > LIMITS.valueChars) throw new LimitError(`a value expands to more than ${LIMITS.valueChars.toLocaleString('en-US')} characters (image-hygiene's limit)`);
    lastEnd = match[1];
    searchPos = searchPos + 1 > match[1] ? searchPos + 1 : match[1];
  }
  return out + fromRunes(runes, lastEnd);
}
