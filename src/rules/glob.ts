import { ANY_BUT_BARRIER, GlobAutomaton, STAR, STAR_BUT_BARRIER, type Token } from '../glob-automaton.js';

const SLASH = 0x2f;

/**
 * A glob over image paths or references: `*` and `?` stay within a path segment, `**` crosses `/`,
 * everything else is literal. Matched by an NFA in time linear in the path (no backtracking RegExp: a
 * pattern from a policy file is tried on every path of an image).
 */
export function compileGlob(pattern: string): (text: string) => boolean {
  const tokens: Token[] = [];
  const chars = Array.from(pattern);
  for (let index = 0; index < chars.length; index++) {
    const ch = chars[index]!;
    if (ch === '*' && chars[index + 1] === '*') {
      tokens.push(STAR);
      index++;
    } else if (ch === '*') tokens.push(STAR_BUT_BARRIER);
    else if (ch === '?') tokens.push(ANY_BUT_BARRIER);
    else tokens.push(ch.codePointAt(0)!);
  }
  if (tokens.every((token) => token >= 0)) return (text) => text === pattern;
  const last = tokens.length - 1;
  if (tokens[last] === STAR && tokens.slice(0, last).every((token) => token >= 0)) {
    const prefix = pattern.slice(0, -2);
    return (text) => text.startsWith(prefix);
  }
  const automaton = new GlobAutomaton(tokens, SLASH);
  return (text) => automaton.matches(text);
}

export function globMatches(pattern: string, text: string): boolean {
  return compileGlob(pattern)(text);
}
