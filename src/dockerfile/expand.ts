/**
 * Variable expansion the way BuildKit's shell lexer (`frontend/dockerfile/shell/lex.go`) does it for one word:
 * quotes are removed, the escape character escapes, and `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`,
 * `${VAR:+word}`, `${VAR+word}`, `${VAR:?msg}`, `${VAR#pat}`, `${VAR##pat}`, `${VAR%pat}`, `${VAR%%pat}` and
 * `${VAR/pat/repl}` are expanded.
 *
 * Unlike BuildKit, a variable can be *unknown*: declared by an ARG without a value (so a build argument
 * would decide it) or not declared at all. An unknown variable is treated as unset (which is what BuildKit
 * does when no build argument is passed): `${V:-word}` gives `word` and `${V:+word}` gives nothing, and
 * those results count as resolved. Only when an unknown variable's own value would end up in the result
 * (`$V`, `${V}`, `${V#…}`, `${V:?…}`) is the result unresolved, and the variables to blame are listed.
 */

/** A variable that kept a reference from being resolved. */
export interface UnresolvedVariable {
  name: string;
  /**
   * `no-value`: an ARG declares it without a default and no build argument gives one;
   * `undeclared`: no ARG in scope declares it (BuildKit expands it to an empty string).
   */
  why: 'no-value' | 'undeclared';
  /**
   * `no-value`: the line of the ARG that declares it. `undeclared` in a FROM line: the line of an ARG
   * that declares it inside a stage (which FROM lines cannot see), when there is one.
   */
  argLine?: number;
}

/** A variable's value in a scope: known, or unknown because of the variables listed. */
export type VariableValue = { known: true; value: string } | { known: false; variables: UnresolvedVariable[] };

/** Looks a variable up; `undefined` when it is not declared in the scope. */
export type VariableLookup = (name: string) => VariableValue | undefined;

export interface Expansion {
  value: string;
  /** Non-empty when the value depends on variables this build does not know: then `value` is not to be trusted. */
  unresolved: UnresolvedVariable[];
}

const NAME_CHAR = /[A-Za-z0-9_]/;

class WordLexer {
  private pos = 0;
  readonly unresolved: UnresolvedVariable[] = [];

  constructor(
    private readonly text: string,
    private readonly escape: string,
    private readonly lookup: VariableLookup,
  ) {}

  private eof(): boolean {
    return this.pos >= this.text.length;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private blame(variables: UnresolvedVariable[]): void {
    for (const variable of variables) {
      if (!this.unresolved.some((known) => known.name === variable.name)) this.unresolved.push(variable);
    }
  }

  /** Processes up to (and consuming) one of `stops` outside quotes; the whole rest when none is given. */
  process(stops = ''): { text: string; stop?: string } {
    let out = '';
    while (!this.eof()) {
      const ch = this.text[this.pos]!;
      if (stops.includes(ch)) {
        this.pos++;
        return { text: out, stop: ch };
      }
      this.pos++;
      if (ch === "'") out += this.singleQuoted();
      else if (ch === '"') out += this.doubleQuoted();
      else if (ch === '$') out += this.dollar();
      else if (ch === this.escape) {
        if (this.eof()) break;
        out += this.text[this.pos++]!;
      } else out += ch;
    }
    return { text: out };
  }

  private singleQuoted(): string {
    const end = this.text.indexOf("'", this.pos);
    const stop = end < 0 ? this.text.length : end;
    const out = this.text.slice(this.pos, stop);
    this.pos = end < 0 ? stop : stop + 1;
    return out;
  }

  private doubleQuoted(): string {
    let out = '';
    while (!this.eof()) {
      const ch = this.text[this.pos++]!;
      if (ch === '"') return out;
      if (ch === '$') {
        out += this.dollar();
        continue;
      }
      if (ch === this.escape) {
        const next = this.peek();
        if (next === undefined) continue;
        if (next === '"' || next === '$' || next === this.escape) {
          out += next;
          this.pos++;
          continue;
        }
      }
      out += ch;
    }
    return out;
  }

  private readName(): string {
    let name = '';
    while (!this.eof() && NAME_CHAR.test(this.peek()!)) name += this.text[this.pos++]!;
    return name;
  }

  /** The text after a `$`. */
  private dollar(): string {
    const next = this.peek();
    if (next === '{') {
      this.pos++;
      return this.braced();
    }
    if (next !== undefined && NAME_CHAR.test(next)) {
      const name = this.readName();
      return this.valueOf(name);
    }
    return '$';
  }

  /** A variable's value, blaming it when unknown. */
  private valueOf(name: string): string {
    const value = this.lookup(name);
    if (value === undefined) {
      this.blame([{ name, why: 'undeclared' }]);
      return '';
    }
    if (!value.known) {
      this.blame(value.variables);
      return '';
    }
    return value.value;
  }

  private braced(): string {
    const name = this.readName();
    const op = this.text[this.pos++];
    if (op === undefined) return '${' + name;
    if (op === '}') return this.valueOf(name);
    const value = this.lookup(name);
    const known = value?.known === true ? value.value : undefined;
    if (op === ':' || op === '-' || op === '+' || op === '?') {
      let modifier = op;
      let colon = false;
      if (op === ':') {
        colon = true;
        modifier = this.text[this.pos++] ?? '';
      }
      // The word is only blamed for unknown variables when it is used.
      const blamed = this.unresolved.length;
      const word = this.process('}').text;
      const unused = (): void => {
        this.unresolved.length = blamed;
      };
      // An unknown variable is unset; with a colon an empty one counts as unset too.
      const set = known !== undefined && (!colon || known !== '');
      switch (modifier) {
        case '-':
          if (set) unused();
          return set ? known : word;
        case '+':
          if (!set) unused();
          return set ? word : '';
        case '?':
          unused();
          return set ? known : this.valueOf(name);
        default:
          unused();
          // `${VAR:offset}` and the like: not something BuildKit supports either.
          return this.valueOf(name);
      }
    }
    if (op === '#' || op === '%') {
      const longest = this.peek() === op;
      if (longest) this.pos++;
      const pattern = this.process('}').text;
      const base = this.valueOf(name);
      return op === '#' ? trimPrefix(base, pattern, longest) : trimSuffix(base, pattern, longest);
    }
    if (op === '/') {
      const all = this.peek() === '/';
      if (all) this.pos++;
      const { text: pattern, stop } = this.process('/}');
      const replacement = stop === '/' ? this.process('}').text : '';
      const base = this.valueOf(name);
      if (pattern === '') return base;
      const regex = new RegExp(globToRegex(pattern), all ? 'g' : '');
      return base.replace(regex, () => replacement);
    }
    // Not a form we know: keep the rest of the braces literally.
    return '${' + name + op + this.process('}').text + '}';
  }
}

function globToRegex(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

function trimPrefix(value: string, pattern: string, longest: boolean): string {
  const regex = new RegExp('^(?:' + globToRegex(pattern) + ')$', 's');
  const lengths = [...Array(value.length + 1).keys()];
  if (longest) lengths.reverse();
  for (const length of lengths) if (regex.test(value.slice(0, length))) return value.slice(length);
  return value;
}

function trimSuffix(value: string, pattern: string, longest: boolean): string {
  const regex = new RegExp('^(?:' + globToRegex(pattern) + ')$', 's');
  const starts = [...Array(value.length + 1).keys()];
  if (!longest) starts.reverse();
  for (const start of starts) if (regex.test(value.slice(start))) return value.slice(0, start);
  return value;
}

/** Expands one word (an image name, an ARG default, a path) with the variables `lookup` knows. */
export function expandWord(word: string, lookup: VariableLookup, escape = '\\'): Expansion {
  const lexer = new WordLexer(word, escape, lookup);
  const value = lexer.process().text;
  return { value, unresolved: lexer.unresolved };
}
