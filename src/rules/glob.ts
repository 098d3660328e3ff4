/** Shell-like glob over image paths or references: `*` and `?` stay within a segment, `**` crosses them. */
export function globToRegex(pattern: string): RegExp {
  let out = '';
  for (let index = 0; index < pattern.length; index++) {
    const ch = pattern[index]!;
    if (ch === '*' && pattern[index + 1] === '*') {
      out += '.*';
      index++;
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp('^' + out + '$');
}

export function globMatches(pattern: string, text: string): boolean {
  return globToRegex(pattern).test(text);
}
