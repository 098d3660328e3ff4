/**
 * Variable expansion of one word, with the semantics of BuildKit's shell lexer
 * (`frontend/dockerfile/shell/lex.go`, `ProcessWord`): quotes are removed, the escape character escapes,
 * and `$VAR`, `${VAR}`, `${VAR-w}`, `${VAR:-w}`, `${VAR+w}`, `${VAR:+w}`, `${VAR?w}`, `${VAR:?w}`, `${VAR#p}`,
 * `${VAR##p}`, `${VAR%p}`, `${VAR%%p}`, `${VAR/p/r}` and `${VAR//p/r}` are expanded, with BuildKit's quirks
 * (patterns keep their escapes, `${V:#p}` is an error, a `/` pattern may run past a `}`). Where BuildKit
 * fails, the expansion carries its message (`error`).
 *
 * Unlike BuildKit, a variable can be *unknown*: declared by an ARG without a value (a build argument would
 * decide it), or not declared in a stage whose base image's ENV we cannot see. An unknown variable is taken
 * as unset where that decides nothing (`${V:-word}` is `word`); when its value ends up in the result, the
 * result is unresolved and the variables to blame are listed. An undeclared variable where BuildKit's
 * scope is complete (FROM lines and global ARGs see only the global ARGs) is empty, as BuildKit makes it,
 * and is listed in `emptied`.
 */
import { LIMITS, LimitError, formatCount, type ExpansionBudget } from './limits.js';
import { PatternError, replaceMatches, reversePattern, trimPrefix, trimSuffix } from './shell-pattern.js';
import { isGoSpace } from './text.js';

/** A variable that kept a value from being known. */
export interface UnresolvedVariable {
  name: string;
  /**
   * `no-value`: an ARG declares it without a default and no build argument gives one;
   * `base-image`: nothing in the Dockerfile declares it, so it is whatever the base image's ENV says;
   * `error`: BuildKit fails to expand the value of the ARG that declares it (`message`).
   */
  why: 'no-value' | 'base-image' | 'error';
  /** `no-value`, `error`: the line of the ARG that declares it. */
  argLine?: number;
  message?: string;
}

/**
 * A variable's value in a scope: known (with the undeclared variables BuildKit emptied to make it), or
 * unknown because of the variables listed.
 */
export type VariableValue = { known: true; value: string; emptied?: string[] } | { known: false; variables: UnresolvedVariable[] };

/** Looks a variable up; `undefined` when nothing in scope declares it. */
export type VariableLookup = (name: string) => VariableValue | undefined;

export interface ExpandOptions {
  /** The file's escape character. */
  escape: string;
  budget: ExpansionBudget;
  /** What an undeclared variable is: empty (BuildKit's global scope) or the base image's (a stage). */
  undeclared: 'empty' | 'base-image';
}

export interface Expansion {
  value: string;
  /** Non-empty when the value depends on variables this build does not know: then `value` is not to be trusted. */
  unresolved: UnresolvedVariable[];
  /** Undeclared variables whose (empty) value BuildKit put in the result. */
  emptied: string[];
  /** Whether the word refers to a variable at all (it is not a literal). */
  usesVariables: boolean;
  /** BuildKit fails on this word, with this message. */
  error?: string;
}

function tooLong(): LimitError {
  return new LimitError(`a value expands to more than ${formatCount(LIMITS.valueChars)} characters (image-hygiene's limit; BuildKit has none)`);
}

/** A word BuildKit's lexer refuses. */
class ShellError extends Error {}

const SPECIAL_PARAMS = '@*#?-$!0';
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

interface Lookup {
  value: string;
  set: boolean;
  emptied?: string[];
  /** The variables to blame when the value is used. */
  unknown?: UnresolvedVariable[];
}

/** What the lexer does with a variable nothing declares, and whether quotes and escapes are kept. */
interface LexMode {
  lookup: VariableLookup;
  undeclared: 'empty' | 'base-image';
  /** BuildKit's SkipUnsetEnv: an unset `$V` stays as written (heredoc detection). */
  keepUnset: boolean;
  rawQuotes: boolean;
  rawEscapes: boolean;
  /** Values are held to LIMITS.valueChars (not when reading a line for its heredocs, which makes no value). */
  limitValues: boolean;
}

/** Words of a processed line, split the way BuildKit's lexer splits them (ProcessWords). */
class Words {
  readonly words: string[] = [];
  private buffer = '';
  private inWord = false;

  addChar(ch: string): void {
    if (isGoSpace(ch.codePointAt(0)!)) {
      if (this.inWord && this.buffer !== '') {
        this.words.push(this.buffer);
        this.buffer = '';
        this.inWord = false;
      }
    } else this.addRaw(ch);
  }

  addString(text: string): void {
    for (const ch of text) this.addChar(ch);
  }

  addRaw(text: string): void {
    this.buffer += text;
    this.inWord = true;
  }

  /**
   * BuildKit's lexer keeps the word being built in one buffer for the whole line, and every `${…}` word it
   * processes inside (`${A:-x}`) resets it: the start of the current word is lost. So it is here.
   */
  resetBuffer(): void {
    this.buffer = '';
  }

  finish(): string[] {
    if (this.buffer !== '') this.words.push(this.buffer);
    this.buffer = '';
    return this.words;
  }
}

class Lexer {
  private pos = 0;
  private depth = 0;
  private topWords: Words | undefined;
  readonly unresolved: UnresolvedVariable[] = [];
  readonly emptied: string[] = [];
  usesVariables = false;

  constructor(
    private readonly text: string,
    private readonly escape: string,
    private readonly mode: LexMode,
    private readonly budget: ExpansionBudget,
  ) {}

  private get eof(): boolean {
    return this.pos >= this.text.length;
  }

  /** Processes up to (and consuming) `stop` outside quotes, or the whole rest; `words` collects ProcessWords' split. */
  processStopOn(stop: string | undefined, rawEscapes: boolean, words?: Words): string {
    if (words) this.topWords = words;
    else this.topWords?.resetBuffer();
    let result = '';
    const append = (piece: string): void => {
      result += piece;
      if (this.mode.limitValues && result.length > LIMITS.valueChars) throw tooLong();
    };
    while (!this.eof) {
      const ch = this.text[this.pos]!;
      if (ch === stop) {
        this.pos++;
        return result;
      }
      if (ch === '$' || ch === '"' || ch === "'" || (ch === '<' && words)) {
        const piece = ch === '$' ? this.dollar() : ch === '"' ? this.doubleQuoted(rawEscapes) : ch === "'" ? this.singleQuoted() : this.possibleHeredoc();
        append(piece);
        if (ch === '$') words?.addString(piece);
        else words?.addRaw(piece);
        continue;
      }
      this.pos++;
      if (ch === this.escape) {
        if (rawEscapes) {
          words?.addRaw(ch);
          append(ch);
        }
        if (this.eof) break;
        const escaped = this.text[this.pos++]!;
        words?.addRaw(escaped);
        append(escaped);
        continue;
      }
      if (words) words.addChar(ch);
      else {
        // A run of plain characters in one piece.
        let end = this.pos;
        while (end < this.text.length && !this.special(this.text[end]!, stop)) end++;
        append(ch + this.text.slice(this.pos, end));
        this.pos = end;
        continue;
      }
      append(ch);
    }
    if (stop !== undefined) throw new ShellError(`unexpected end of statement while looking for matching ${stop}`);
    return result;
  }

  private special(ch: string, stop: string | undefined): boolean {
    return ch === stop || ch === '$' || ch === '"' || ch === "'" || ch === this.escape;
  }

  private singleQuoted(): string {
    this.pos++;
    const end = this.text.indexOf("'", this.pos);
    if (end < 0) {
      this.pos = this.text.length; // BuildKit reads to the end looking for it
      throw new ShellError('unexpected end of statement while looking for matching single-quote');
    }
    const quote = this.mode.rawQuotes ? "'" : '';
    const out = quote + this.text.slice(this.pos, end) + quote;
    this.pos = end + 1;
    return out;
  }

  private doubleQuoted(rawEscapes: boolean): string {
    this.pos++;
    let out = this.mode.rawQuotes ? '"' : '';
    for (;;) {
      if (this.eof) throw new ShellError('unexpected end of statement while looking for matching double-quote');
      const ch = this.text[this.pos]!;
      if (ch === '"') {
        this.pos++;
        return out + (this.mode.rawQuotes ? '"' : '');
      }
      if (ch === '$') {
        out += this.dollar();
        if (this.mode.limitValues && out.length > LIMITS.valueChars) throw tooLong();
        continue;
      }
      this.pos++;
      let written = ch;
      if (ch === this.escape) {
        if (rawEscapes) out += ch;
        if (this.eof) continue;
        const next = this.text[this.pos]!;
        // Only these can be escaped; before anything else the escape character stays.
        if (next === '"' || next === '$' || next === this.escape) {
          written = next;
          this.pos++;
        }
      }
      out += written;
    }
  }

  /** `<<` and the blanks after it stay in one word (BuildKit's heredoc hint); identity for the result. */
  private possibleHeredoc(): string {
    this.pos++;
    if (this.text[this.pos] !== '<') return '<';
    this.pos++;
    let out = '<<';
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t' || this.text[this.pos] === '\r') out += this.text[this.pos++];
    return out;
  }

  private readName(): string {
    let name = '';
    while (!this.eof) {
      const ch = String.fromCodePoint(this.text.codePointAt(this.pos)!);
      if (name === '' && DIGIT.test(ch)) {
        while (!this.eof && DIGIT.test(String.fromCodePoint(this.text.codePointAt(this.pos)!))) {
          const digit = String.fromCodePoint(this.text.codePointAt(this.pos)!);
          name += digit;
          this.pos += digit.length;
        }
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.includes(ch)) {
        this.pos++;
        return ch;
      }
      if (!LETTER.test(ch) && !DIGIT.test(ch) && ch !== '_') break;
      name += ch;
      this.pos += ch.length;
    }
    return name;
  }

  private getEnv(name: string): Lookup {
    this.usesVariables = true;
    const value = this.mode.lookup(name);
    if (value === undefined) {
      return this.mode.undeclared === 'empty' ? { value: '', set: false } : { value: '', set: false, unknown: [{ name, why: 'base-image' }] };
    }
    if (!value.known) return { value: '', set: false, unknown: value.variables };
    return value.emptied ? { value: value.value, set: true, emptied: value.emptied } : { value: value.value, set: true };
  }

  /** The value of a variable put into the result: unknown ones are blamed, undeclared ones noted. */
  private use(name: string, found: Lookup): string {
    if (found.unknown) this.blame(found.unknown);
    else if (!found.set) this.noteEmptied([name]);
    if (found.emptied) this.noteEmptied(found.emptied);
    return found.value;
  }

  private noteEmptied(names: readonly string[]): void {
    for (const name of names) if (!this.emptied.includes(name)) this.emptied.push(name);
  }

  private blame(variables: UnresolvedVariable[]): void {
    for (const variable of variables) {
      if (!this.unresolved.some((known) => known.name === variable.name)) this.unresolved.push(variable);
    }
  }

  /** The text after a `$`. */
  private dollar(): string {
    this.pos++;
    if (this.text[this.pos] !== '{') {
      const name = this.readName();
      if (name === '') return '$';
      const found = this.getEnv(name);
      if (!found.set && !found.unknown && this.mode.keepUnset) return '$' + name;
      return this.use(name, found);
    }
    this.pos++;
    const next = this.text[this.pos];
    if (next === undefined) throw new ShellError("syntax error: missing '}'");
    if (next === '{' || next === '}' || next === ':') throw new ShellError('syntax error: bad substitution');
    if (++this.depth > LIMITS.nesting) throw new LimitError(`\${…} is nested more than ${LIMITS.nesting} deep (image-hygiene's limit)`);
    try {
      return this.braced(this.readName());
    } finally {
      this.depth--;
    }
  }

  private nextChar(): string {
    if (this.eof) return '\uFFFD'; // Go's string(scanner.EOF)
    const ch = String.fromCodePoint(this.text.codePointAt(this.pos)!);
    this.pos += ch.length;
    return ch;
  }

  /** Runs `processStopOn`, turning "ran out of text" into BuildKit's message for the construct. */
  private wordUntil(stop: string, rawEscapes: boolean, missing: string): string {
    try {
      return this.processStopOn(stop, rawEscapes);
    } catch (error) {
      if (error instanceof ShellError && this.eof) throw new ShellError(missing);
      throw error;
    }
  }

  private braced(name: string): string {
    let op = this.nextChar();
    let written = op;
    if (op === '}') {
      const found = this.getEnv(name);
      if (!found.set && !found.unknown && this.mode.keepUnset) return `\${${name}}`;
      return this.use(name, found);
    }
    if (op === '/') return this.replace(name);
    const colon = op === ':';
    if (colon) {
      op = this.nextChar();
      written += op;
    } else if (!'+-?#%'.includes(op)) throw new ShellError(`unsupported modifier (${written}) in substitution`);
    const trims = op === '#' || op === '%';
    if (colon && trims) throw new ShellError(`unsupported modifier (${written}) in substitution`);
    const blamed = this.unresolved.length;
    const emptied = this.emptied.length;
    let word = this.wordUntil('}', trims, "syntax error: missing '}'");
    const found = this.getEnv(name);
    if (!found.set && !found.unknown && this.mode.keepUnset) return `\${${name}${written}${word}}`;
    const unused = (): void => {
      this.unresolved.length = blamed;
      this.emptied.length = emptied;
    };
    const set = found.set && (!colon || found.value !== '');
    switch (op) {
      case '-':
        if (!set) return word;
        unused();
        return this.use(name, found);
      case '+':
        if (!set) unused();
        return set ? word : '';
      case '?':
        unused();
        if (set || found.unknown) return this.use(name, found);
        throw new ShellError(`${name}: ${word !== '' ? word : found.set ? 'is not allowed to be empty' : 'is not allowed to be unset'}`);
      case '#':
      case '%': {
        const longest = word.startsWith(op);
        if (longest) word = word.slice(1);
        const value = this.use(name, found);
        try {
          return op === '#' ? trimPrefix(value, word, longest, this.budget) : trimSuffix(value, word, longest, this.budget);
        } catch (error) {
          // BuildKit matches `%` with the reversed pattern, and names that one.
          if (error instanceof PatternError) throw new ShellError(`invalid pattern (${op === '%' ? reversePattern(word) : word}) in substitution: ${error.message}`);
          throw error;
        }
      }
      default:
        throw new ShellError(`unsupported modifier (${written}) in substitution`);
    }
  }

  private replace(name: string): string {
    const all = this.text[this.pos] === '/';
    if (all) this.pos++;
    const pattern = this.wordUntil('/', true, "syntax error: missing '/' in ${}");
    const replacement = this.wordUntil('}', true, "syntax error: missing '}'");
    const found = this.getEnv(name);
    if (!found.set && !found.unknown && this.mode.keepUnset) return `\${${name}/${pattern}/${replacement}}`;
    const value = this.use(name, found);
    try {
      return replaceMatches(value, pattern, replacement, all, this.budget);
    } catch (error) {
      if (error instanceof PatternError) throw new ShellError(`invalid pattern (${pattern}) in substitution: ${error.message}`);
      throw error;
    }
  }
}

/**
 * Expands one word (an image name, an ARG or ENV value, a USER) with the variables `lookup` knows. Throws a
 * LimitError when a limit is passed; BuildKit's own errors are returned in `error`.
 */
export function expandWord(word: string, lookup: VariableLookup, options: ExpandOptions): Expansion {
  const mode: LexMode = { lookup, undeclared: options.undeclared, keepUnset: false, rawQuotes: false, rawEscapes: false, limitValues: true };
  const lexer = new Lexer(word, options.escape, mode, options.budget);
  try {
    const value = lexer.processStopOn(undefined, false);
    return { value, unresolved: lexer.unresolved, emptied: lexer.emptied, usesVariables: lexer.usesVariables };
  } catch (error) {
    if (!(error instanceof ShellError)) throw error;
    return { value: '', unresolved: [], emptied: [], usesVariables: lexer.usesVariables, error: error.message };
  }
}

const NO_VARIABLES: VariableLookup = () => undefined;

/**
 * BuildKit's `ProcessWords` over an instruction line as its parser runs it to find heredocs: `\` escapes
 * whatever the file's escape character, quotes and escapes are kept, unset variables stay as written.
 * Undefined when the lexer fails (BuildKit then finds no heredocs either).
 */
export function rawShellWords(line: string, budget: ExpansionBudget, rawQuotes = true, rawEscapes = true): string[] | undefined {
  const mode: LexMode = { lookup: NO_VARIABLES, undeclared: 'empty', keepUnset: true, rawQuotes, rawEscapes, limitValues: false };
  const lexer = new Lexer(line, '\\', mode, budget);
  const words = new Words();
  try {
    lexer.processStopOn(undefined, rawEscapes, words);
    return words.finish();
  } catch (error) {
    if (error instanceof ShellError) return undefined;
    throw error;
  }
}
