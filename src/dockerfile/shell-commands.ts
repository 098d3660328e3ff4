/**
 * The simple commands of a POSIX shell script, enough to tell what a RUN runs: words split on blanks,
 * quotes and escapes removed, commands separated by `&&`, `||`, `;`, `|`, `&`, newlines and parentheses,
 * comments, redirections (with their targets) and here-document bodies dropped. Command substitutions
 * (`$(…)`, backquotes) and parameter expansions stay inside their word, unread. One pass, linear.
 */

const OPERATOR = new Set([';', '&', '|', '(', ')']);

/** The end of a `(…)` group starting at `open`, quotes and nesting considered. */
function closingParen(script: string, open: number): number {
  let depth = 0;
  for (let index = open; index < script.length; index++) {
    const ch = script[index];
    if (ch === '\\') index++;
    else if (ch === "'") {
      const end = script.indexOf("'", index + 1);
      if (end < 0) return script.length;
      index = end;
    } else if (ch === '"') index = closingQuote(script, index);
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return index + 1;
  }
  return script.length;
}

/** The index of the `"` closing the one at `open` (or the end). */
function closingQuote(script: string, open: number): number {
  for (let index = open + 1; index < script.length; index++) {
    if (script[index] === '\\') index++;
    else if (script[index] === '"') return index;
  }
  return script.length;
}

function closingBrace(script: string, open: number): number {
  let depth = 0;
  for (let index = open; index < script.length; index++) {
    if (script[index] === '{') depth++;
    else if (script[index] === '}' && --depth === 0) return index + 1;
  }
  return script.length;
}

class ShellSplitter {
  readonly commands: string[][] = [];
  private words: string[] = [];
  private word = '';
  private inWord = false;
  /** The next word is a redirection's target or a here-string. */
  private skipWord = false;
  private readonly heredocs: Array<{ delimiter: string; tabs: boolean }> = [];
  private index = 0;

  constructor(private readonly script: string) {}

  private endWord(): void {
    if (this.inWord) {
      if (this.skipWord) this.skipWord = false;
      else this.words.push(this.word);
    }
    this.word = '';
    this.inWord = false;
  }

  private endCommand(): void {
    this.endWord();
    if (this.words.length > 0) this.commands.push(this.words);
    this.words = [];
  }

  private take(text: string): void {
    this.word += text;
    this.inWord = true;
  }

  /** After a line break: the bodies of the here-documents opened on the line. */
  private skipHeredocBodies(): void {
    for (const { delimiter, tabs } of this.heredocs.splice(0)) {
      while (this.index < this.script.length) {
        const end = this.script.indexOf('\n', this.index);
        const line = this.script.slice(this.index, end < 0 ? this.script.length : end);
        this.index = end < 0 ? this.script.length : end + 1;
        if ((tabs ? line.replace(/^\t+/, '') : line) === delimiter) break;
      }
    }
  }

  private doubleQuoted(): void {
    const end = closingQuote(this.script, this.index);
    const body = this.script.slice(this.index + 1, end);
    this.take(body.replace(/\\([\\"$`\n])/g, (_whole, ch: string) => (ch === '\n' ? '' : ch)));
    this.index = end + 1;
  }

  private redirection(): void {
    const script = this.script;
    if (this.inWord && /^\d+$/.test(this.word)) {
      this.word = '';
      this.inWord = false;
    } else this.endWord();
    if (script.startsWith('<<<', this.index)) {
      this.index += 3;
      this.skipWord = true;
      return;
    }
    if (script.startsWith('<<', this.index)) {
      this.index += 2;
      const tabs = script[this.index] === '-';
      if (tabs) this.index++;
      while (script[this.index] === ' ' || script[this.index] === '\t') this.index++;
      const match = /^(?:'[^']*'|"[^"]*"|[^\s;&|<>()])+/.exec(script.slice(this.index, this.index + 256));
      const written = match?.[0] ?? '';
      this.index += written.length;
      this.heredocs.push({ delimiter: written.replace(/["'\\]/g, ''), tabs });
      return;
    }
    if (script[this.index + 1] === '(') {
      this.index = closingParen(script, this.index + 1);
      return;
    }
    while (this.index < script.length && '<>&|'.includes(script[this.index]!)) this.index++;
    if (script[this.index - 1] === '&' && /[\d-]/.test(script[this.index] ?? '')) {
      while (/[\d-]/.test(script[this.index] ?? '')) this.index++;
      return;
    }
    this.skipWord = true;
  }

  /** One token's worth of the scan. */
  private step(): void {
    const script = this.script;
    const ch = script[this.index]!;
    const next = script[this.index + 1];
    if (ch === '\\') {
      if (next !== '\n' && next !== undefined) this.take(next);
      this.index += 2;
    } else if (ch === "'") {
      const end = script.indexOf("'", this.index + 1);
      this.take(script.slice(this.index + 1, end < 0 ? script.length : end));
      this.index = end < 0 ? script.length : end + 1;
    } else if (ch === '"') this.doubleQuoted();
    else if (ch === '$' && (next === '(' || next === '{')) {
      const end = next === '(' ? closingParen(script, this.index + 1) : closingBrace(script, this.index + 1);
      this.take(script.slice(this.index, end));
      this.index = end;
    } else if (ch === '`') {
      const end = script.indexOf('`', this.index + 1);
      this.take(script.slice(this.index, end < 0 ? script.length : end + 1));
      this.index = end < 0 ? script.length : end + 1;
    } else if (ch === '#' && !this.inWord) {
      const end = script.indexOf('\n', this.index);
      this.index = end < 0 ? script.length : end;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      this.endWord();
      this.index++;
    } else if (ch === '\n') {
      this.endCommand();
      this.index++;
      this.skipHeredocBodies();
    } else if (ch === '<' || ch === '>' || (ch === '&' && next === '>')) this.redirection();
    else if (OPERATOR.has(ch)) {
      this.endCommand();
      this.index++;
    } else {
      this.take(ch);
      this.index++;
    }
  }

  split(): string[][] {
    while (this.index < this.script.length) this.step();
    this.endCommand();
    return this.commands;
  }
}

/** The simple commands of a script, each as its words. */
export function simpleCommands(script: string): string[][] {
  return new ShellSplitter(script).split();
}
