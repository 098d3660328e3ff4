/**
 * The first pass over a Dockerfile, as BuildKit's parser makes it (`frontend/dockerfile/parser/parser.go`,
 * `directives.go`): parser directives, comments, continuation lines, heredoc bodies. Every physical line
 * is visited once; the result is the instructions with their lines, logical text and heredocs.
 */
import { rawShellWords } from './expand.js';
import { DockerfileError, LIMITS, LimitError, formatCount, type ExpansionBudget } from './limits.js';
import { isComment, isGoSpace, sharedCase, trimLeftSpace, trimNewline } from './text.js';
import { keyValueArguments } from './arguments.js';
import { parseJsonArray, splitCommand } from './words.js';

export interface Heredoc {
  /** The terminator, quotes removed. */
  name: string;
  /** `<<-`: leading tabs are removed from the body and the terminator. */
  chomp: boolean;
  /** Unquoted name: the body is expanded. */
  expand: boolean;
  /** The body, lines with their line breaks, terminator excluded (tabs not yet chomped). */
  content: string;
  /** The terminator's line as written. */
  terminator: string;
}

/** One instruction as BuildKit's parser sees it. */
export interface ScannedInstruction {
  /** As written (`run`, `RUN`). */
  keyword: string;
  /** Lower case, for dispatch. */
  command: string;
  /** First and last physical line (1-based; the last includes continuation lines and heredoc bodies). */
  line: number;
  endLine: number;
  /** The logical line: continuation lines joined the way BuildKit joins them. */
  original: string;
  flags: string[];
  /** The arguments after the flags, trimmed. */
  rest: string;
  /** `rest` as a JSON array of strings (the exec form), when it is one. */
  json?: string[];
  heredocs: Heredoc[];
  /** ONBUILD's trigger. */
  trigger?: ScannedInstruction;
}

export interface CommentLine {
  line: number;
  /** The text after `#`, trimmed. */
  text: string;
  /** Inside an instruction (between continuation lines): BuildKit drops it. */
  inside: boolean;
}

export interface ScanResult {
  escape: string;
  instructions: ScannedInstruction[];
  /** Every comment line that is not a parser directive and not inside a heredoc body. */
  comments: CommentLine[];
}

const DIRECTIVE_KEYS = new Set(['syntax', 'escape', 'check']);
const GO_REGEXP_SPACE = new Set(['\t', '\n', '\f', '\r', ' ']);

/** `#name=value` with BuildKit's directive grammar (`^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`), without a regexp. */
export function directiveOf(line: string): { key: string; value: string } | undefined {
  if (!line.startsWith('#')) return undefined;
  const body = trimLeftSpace(line.slice(1));
  const key = /^[a-zA-Z][a-zA-Z0-9]*/.exec(body)?.[0];
  if (key === undefined) return undefined;
  let index = key.length;
  while (GO_REGEXP_SPACE.has(body[index]!)) index++;
  if (body[index] !== '=') return undefined;
  index++;
  while (GO_REGEXP_SPACE.has(body[index]!)) index++;
  let end = body.length;
  while (end > index && GO_REGEXP_SPACE.has(body[end - 1]!)) end--;
  if (end === index) return undefined;
  return { key: key.toLowerCase(), value: body.slice(index, end) };
}

/** BuildKit's DirectiveParser: directives only at the top, each key once; the first other line ends them. */
export class DirectiveReader {
  private done = false;
  private readonly seen = new Set<string>();
  readonly values = new Map<string, { value: string; line: number }>();

  constructor(private readonly path: string) {}

  /** Returns whether the line is a directive. */
  read(line: string, lineNumber: number): boolean {
    if (this.done) return false;
    const directive = directiveOf(line);
    if (!directive || !DIRECTIVE_KEYS.has(directive.key)) {
      this.done = true;
      return false;
    }
    if (this.seen.has(directive.key)) throw new DockerfileError(this.path, lineNumber, `only one ${directive.key} parser directive can be used`);
    this.seen.add(directive.key);
    if (directive.key === 'escape' && directive.value !== '`' && directive.value !== '\\') {
      throw new DockerfileError(this.path, lineNumber, `invalid escape token '${directive.value}' does not match \` or \\`);
    }
    this.values.set(directive.key, { value: directive.value, line: lineNumber });
    return true;
  }
}

/**
 * BuildKit's line-continuation test: the line ends (before blanks) in exactly one escape character,
 * preceded by something else or by nothing. Returns the line without it, or undefined when it does not continue.
 */
function withoutContinuation(line: string, escape: string): string | undefined {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  if (end === 0 || line[end - 1] !== escape) return undefined;
  if (end >= 2 && line[end - 2] === escape) return undefined;
  return line.slice(0, end - 1);
}

function isBlank(line: string): boolean {
  for (let index = 0; index < line.length; index++) if (!isGoSpace(line.charCodeAt(index))) return false;
  return true;
}

const HEREDOC_KEYWORDS = new Set(['add', 'copy', 'run']);
/** Most instructions have no heredoc: they share one empty list. */
const NO_HEREDOCS: Heredoc[] = Object.freeze([]) as unknown as Heredoc[];

/** `[n]<<[-]NAME` as BuildKit's reHeredoc (`^(\d*)<<(-?)\s*([^<]*)$`) reads one word, without a regexp. */
function heredocWord(word: string): { chomp: boolean; rest: string } | undefined {
  let index = 0;
  while (word.charCodeAt(index) >= 0x30 && word.charCodeAt(index) <= 0x39) index++;
  if (!word.startsWith('<<', index)) return undefined;
  index += 2;
  const chomp = word[index] === '-';
  if (chomp) index++;
  while (GO_REGEXP_SPACE.has(word[index]!)) index++;
  const rest = word.slice(index);
  return rest.includes('<') ? undefined : { chomp, rest };
}

const countQuotes = (text: string): number => {
  let count = 0;
  for (const ch of text) if (ch === '"' || ch === "'") count++;
  return count;
};

/** A heredoc word's name (BuildKit's heredocFromMatch); undefined when the word is not one. */
export function parseHeredocWord(word: string, budget: ExpansionBudget): { name: string; chomp: boolean; expand: boolean } | 'error' | undefined {
  const match = heredocWord(word);
  if (!match || match.rest === '') return undefined;
  const words = rawShellWords(match.rest, budget, false, false);
  if (!words) return 'error';
  if (words.length !== 1) return undefined;
  const raw = rawShellWords(match.rest, budget, true, false);
  if (!raw || raw.length !== 1) return 'error';
  return { name: words[0]!, chomp: match.chomp, expand: countQuotes(words[0]!) === countQuotes(raw[0]!) };
}

const lowerCase = sharedCase((keyword) => keyword.toLowerCase());

class Scanner {
  private index = 0;
  private readonly directives: DirectiveReader;
  readonly instructions: ScannedInstruction[] = [];
  readonly comments: CommentLine[] = [];
  escape = '\\';

  constructor(
    private readonly lines: readonly string[],
    private readonly path: string,
    private readonly budget: ExpansionBudget,
  ) {
    this.directives = new DirectiveReader(path);
  }

  private error(line: number, message: string): DockerfileError {
    return new DockerfileError(this.path, line, message);
  }

  private comment(raw: string, line: number, inside: boolean): void {
    const text = trimLeftSpace(raw).slice(1).trim();
    this.comments.push({ line, text, inside });
  }

  /** The next instruction's logical line, or undefined at the end of the file. */
  private logicalLine(): { text: string; line: number } | undefined {
    while (this.index < this.lines.length) {
      const line = this.index + 1;
      const raw = this.lines[this.index++]!;
      const token = trimLeftSpace(trimNewline(raw));
      const directive = this.directives.read(token, line);
      if (directive) this.escape = this.directives.values.get('escape')?.value ?? this.escape;
      if (isComment(raw)) {
        if (!directive) this.comment(raw, line, false);
        continue;
      }
      let continued = withoutContinuation(token, this.escape);
      if (continued === undefined) {
        if (token === '') continue;
        return { text: token, line };
      }
      let text = continued;
      while (continued !== undefined && this.index < this.lines.length) {
        const next = this.lines[this.index++]!;
        if (isComment(next)) {
          this.comment(next, this.index, true);
          continue;
        }
        const trimmed = trimNewline(next);
        if (isBlank(trimmed)) continue;
        continued = withoutContinuation(trimmed, this.escape);
        text += continued ?? trimmed;
      }
      return { text, line };
    }
    return undefined;
  }

  /** A limit passed while reading the line is an error on it. */
  private guarded<T>(line: number, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof LimitError) throw this.error(line, error.message);
      throw error;
    }
  }

  /** Reads the bodies of the heredocs the instruction opens, in order. */
  private bodies(instruction: ScannedInstruction): void {
    const target = instruction.trigger ?? instruction;
    if (!HEREDOC_KEYWORDS.has(target.command) || target.json || !instruction.original.includes('<<')) return;
    for (const word of this.guarded(instruction.line, () => rawShellWords(instruction.original, this.budget)) ?? []) {
      const heredoc = this.guarded(instruction.line, () => parseHeredocWord(word, this.budget));
      if (heredoc === 'error') throw this.error(instruction.line, `cannot read the heredoc word ${word}`);
      if (!heredoc) continue;
      let content = '';
      let terminator: string | undefined;
      while (this.index < this.lines.length) {
        const raw = this.lines[this.index++]!;
        let candidate = trimNewline(raw);
        if (heredoc.chomp) candidate = candidate.replace(/^\t+/, '');
        if (candidate === heredoc.name) {
          terminator = raw;
          break;
        }
        content += raw + '\n';
      }
      if (terminator === undefined) throw this.error(instruction.line, `unterminated heredoc ${heredoc.name} (BuildKit fails the build)`);
      if (instruction.heredocs === NO_HEREDOCS) instruction.heredocs = [];
      instruction.heredocs.push({ ...heredoc, content, terminator });
    }
  }

  private instruction(text: string, line: number): ScannedInstruction {
    const { keyword, flags, rest } = splitCommand(text, this.escape);
    const command = lowerCase(keyword);
    const instruction: ScannedInstruction = { keyword, command, line, endLine: line, original: text, flags, rest, heredocs: NO_HEREDOCS };
    if (command === 'onbuild' && rest !== '') instruction.trigger = this.instruction(rest, line);
    // BuildKit's parser already reads ENV and LABEL pairs (parseNameVal), and fails on bad ones here.
    if ((command === 'env' || command === 'label') && rest !== '') keyValueArguments(this.path, instruction, this.escape, 'parser');
    // HEALTHCHECK's command follows its type (`HEALTHCHECK CMD ["x"]`).
    const jsonPart = command === 'healthcheck' ? trimLeftSpace(rest.replace(/^\S*/, '')) : rest;
    if (['run', 'cmd', 'entrypoint', 'shell', 'add', 'copy', 'volume', 'healthcheck'].includes(command)) {
      const json = parseJsonArray(jsonPart);
      if (json.kind === 'not-strings') throw this.error(line, 'when using JSON array syntax, arrays must be comprised of strings only');
      if (json.kind === 'strings') instruction.json = json.values;
    }
    return instruction;
  }

  scan(): void {
    for (let logical = this.logicalLine(); logical; logical = this.logicalLine()) {
      if (this.instructions.length === LIMITS.instructions) {
        throw this.error(logical.line, `more than ${formatCount(LIMITS.instructions)} instructions (image-hygiene's limit; real Dockerfiles have hundreds)`);
      }
      const instruction = this.instruction(logical.text, logical.line);
      this.bodies(instruction);
      instruction.endLine = this.index;
      this.instructions.push(instruction);
    }
  }
}

/** The instructions of a Dockerfile's physical lines, as BuildKit's parser finds them. */
export function scanDockerfile(lines: readonly string[], path: string, budget: ExpansionBudget): ScanResult {
  const scanner = new Scanner(lines, path, budget);
  scanner.scan();
  return { escape: scanner.escape, instructions: scanner.instructions, comments: scanner.comments };
}

/**
 * The `# syntax=` directive as BuildKit's frontend selection finds it (DetectSyntax): after a byte-order
 * mark and a `#!` line, among the directives at the top of the file; its first word is the image.
 */
export function syntaxDirective(lines: readonly string[], path: string): { image: string; line: number } | undefined {
  const first = lines[0]?.startsWith('#!') ? 1 : 0;
  const reader = new DirectiveReader(path);
  for (let index = first; index < lines.length; index++) {
    try {
      if (!reader.read(trimNewline(lines[index]!), index + 1)) break;
    } catch {
      break;
    }
  }
  const syntax = reader.values.get('syntax');
  if (!syntax) return undefined;
  const image = syntax.value.split(' ')[0]!;
  return image === '' ? undefined : { image, line: syntax.line };
}
