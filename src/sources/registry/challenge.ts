/** One challenge of a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"`, `Basic realm="…"`. */
export interface Challenge {
  /** Lower case: `bearer`, `basic`. */
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * Parse a WWW-Authenticate header (RFC 7235): challenges separated by commas, each a scheme and its
 * comma-separated `name=value` parameters (values a token or a quoted string). A token68 is kept as `token68`.
 * Linear in the header's length; anything unreadable ends the parse with what was read so far.
 */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '');
  const challenges: Challenge[] = [];
  let at = 0;
  const skip = (pattern: RegExp): void => {
    const match = pattern.exec(text.slice(at, at + 256));
    if (match) at += match[0].length;
  };
  const token = (): string | undefined => {
    const match = TOKEN.exec(text.slice(at, at + 1024));
    if (!match) return undefined;
    at += match[0].length;
    return match[0];
  };
  const quoted = (): string => {
    let value = '';
    for (at++; at < text.length && text[at] !== '"'; at++) {
      if (text[at] === '\\' && at + 1 < text.length) at++;
      value += text[at];
    }
    at++; // the closing quote
    return value;
  };
  let current: Challenge | undefined;
  while (at < text.length) {
    skip(/^[\s,]+/);
    const start = at;
    const word = token();
    if (word === undefined) break;
    skip(/^[ \t]*/);
    if (current && text[at] === '=') {
      at++;
      skip(/^[ \t]*/);
      const value = text[at] === '"' ? quoted() : (token() ?? '');
      current.params[word.toLowerCase()] = value;
      continue;
    }
    // A new challenge: a scheme, then perhaps a token68 or its first parameter.
    at = start + word.length;
    current = { scheme: word.toLowerCase(), params: {} };
    challenges.push(current);
    skip(/^[ \t]+/);
    const token68 = /^[A-Za-z0-9._~+/-]+=*(?=\s*(,|$))/.exec(text.slice(at, at + 4096));
    if (token68 && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=[^=]/.test(text.slice(at, at + 1024))) {
      current.params.token68 = token68[0];
      at += token68[0].length;
    }
  }
  return challenges;
}
