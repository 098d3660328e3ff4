import { posix } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import type { Arg, Env, Flag, From, Instruction as AstInstruction, Property } from 'dockerfile-ast';
import { parseReference, type ImageReference } from '../reference.js';
import { expandWord, type UnresolvedVariable, type VariableLookup, type VariableValue } from './expand.js';
import { MATCH_DATA, type MatchEntry } from './internal.js';

export type { UnresolvedVariable } from './expand.js';
export { findInstructionForHistory, mapHistoryToInstructions } from './history.js';

/** One Dockerfile instruction. */
export interface Instruction {
  /** Upper case (`RUN`), whatever the file wrote. */
  keyword: string;
  /**
   * Everything after the keyword as written (flags included), continuation lines joined the way BuildKit
   * joins them (escape character and line break removed, comment and empty lines inside dropped). Heredoc
   * bodies follow on their own lines, as written, after a `\n`.
   */
  args: string;
  /** First and last line of the instruction (1-based; `endLine` includes continuation lines and heredocs). */
  line: number;
  endLine: number;
  /** Index of the stage it belongs to; -1 for the ARGs before the first FROM. */
  stage: number;
}

/** What a FROM, `COPY --from` or `RUN --mount=from=` names, after ARG substitution. */
export interface ResolvedReference {
  /** As written. */
  raw: string;
  /** After ARG substitution; undefined when variables without a value are involved (see `unresolved`). */
  resolved?: string;
  /** The variables that kept `resolved` undefined. */
  unresolved?: UnresolvedVariable[];
  /**
   * `--from`/`from=` with variables: BuildKit does not expand them (it fails the build), so neither do we;
   * `resolved` is undefined.
   */
  expansionUnsupported?: boolean;
  /** `image`: an image to pull; `stage`: an earlier stage (`stageIndex`); `scratch`; `unknown`: unresolved. */
  target: 'image' | 'stage' | 'scratch' | 'unknown';
  stageIndex?: number;
  /** The parsed image reference, when `target` is `image` and `resolved` is a valid reference. */
  image?: ImageReference;
}

export interface Stage {
  index: number;
  /** The `AS` alias, lower case (BuildKit matches aliases case-insensitively). */
  name?: string;
  /** Line of the FROM instruction, and the last line of the stage's last instruction. */
  line: number;
  endLine: number;
  /** The base as written (`${BASE}`, `node:22`). */
  baseRaw: string;
  base: ResolvedReference;
  /** `--platform` as written, and resolved with the global ARGs (undefined when it cannot be). */
  platform?: string;
  platformResolved?: string;
}

export type ReferenceKind = 'from' | 'copy-from' | 'mount-from';

/** An image this Dockerfile pulls: never a stage, never `scratch`. */
export interface ExternalReference {
  kind: ReferenceKind;
  /** As written. */
  raw: string;
  /** After ARG substitution; undefined when an ARG without a value (or an unsupported expansion) is involved. */
  resolved?: string;
  unresolved?: UnresolvedVariable[];
  expansionUnsupported?: boolean;
  /** Parsed `resolved`; undefined when it is not a valid reference. */
  image?: ImageReference;
  /** First line of the instruction (1-based). */
  line: number;
  /** Index of the stage the instruction is in. */
  stage: number;
  /**
   * When the whole reference is one global ARG (`FROM ${BASE}`) whose value comes from its default: that
   * ARG and its line, where a pin belongs.
   */
  arg?: { name: string; line: number };
}

export interface Pragma {
  rules: string[];
  reason?: string;
}

export interface UserInstruction {
  /** As written, and after variable substitution (undefined when it cannot be resolved). */
  user: string;
  resolved?: string;
  line: number;
  stage: number;
}

export interface DockerfileModel {
  path: string;
  /** The escape character (`\` unless a `# escape=` directive says otherwise). */
  escape: string;
  stages: Stage[];
  /** Every external image reference, in file order. */
  references: ExternalReference[];
  instructions: Instruction[];
  /** Inline ignores: instruction line → the rules to ignore there. */
  pragmas: Map<number, Pragma>;
  /** The stage the image is built from: `options.target`, else the last; -1 when there is no FROM. */
  finalStage: number;
  /**
   * USER instructions that shape the final image: those of the final stage and of the stages it builds on
   * (`FROM <alias>`), in order; the last one wins.
   */
  users: UserInstruction[];
}

export interface ParseOptions {
  /** `--target`: the stage that makes the image (default: the last). */
  target?: string;
  /** Target platform for TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT (default `linux/amd64`). */
  platform?: string;
  /** Build platform for BUILDPLATFORM, BUILDOS, ... (default: the target platform). */
  buildPlatform?: string;
}

const PRAGMA = /^#\s*image-hygiene\s+ignore=(\S+)(?:\s+(.*))?$/;

type Scope = Map<string, VariableValue>;

interface StageState {
  env: Scope;
  /** SHELL in effect, when the Dockerfile sets one. */
  shell?: string[];
  /** WORKDIR in effect, when known (the base image's is not). */
  workdir?: string;
}

function lookupIn(scope: Scope): VariableLookup {
  return (name) => scope.get(name);
}

function platformArgs(platform: string, prefix: 'TARGET' | 'BUILD'): Array<[string, string]> {
  const [os = '', arch = '', variant = ''] = platform.split('/');
  return [
    [`${prefix}PLATFORM`, platform],
    [`${prefix}OS`, os],
    [`${prefix}OSVERSION`, ''],
    [`${prefix}ARCH`, arch],
    [`${prefix}VARIANT`, variant],
  ];
}

/** Joins continuation lines the way BuildKit does: escape character and line break removed, comment and empty lines inside dropped. */
function joinContinuation(lines: string[], start: number, startColumn: number, escape: string): { logical: string; end: number } {
  const continuation = new RegExp(escapeRegex(escape) + '[ \\t]*$');
  let logical = '';
  let index = start;
  let text = lines[start]!.slice(startColumn);
  for (;;) {
    if (!continuation.test(text)) {
      logical += text;
      break;
    }
    logical += text.replace(continuation, '');
    let next = index + 1;
    while (next < lines.length && /^\s*(#.*)?$/.test(lines[next]!)) next++;
    if (next >= lines.length) break;
    index = next;
    text = lines[index]!;
  }
  return { logical: logical.trim(), end: index };
}

/** Words split on unquoted whitespace, quotes and escapes kept (BuildKit's raw word split for heredoc detection). */
function rawWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const ch = line[index]!;
    if (quote === undefined && /\s/.test(ch)) {
      if (word !== '') words.push(word);
      word = '';
      continue;
    }
    word += ch;
    if (ch === '\\' && quote !== "'" && index + 1 < line.length) word += line[++index]!;
    else if (quote === undefined && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = undefined;
  }
  if (word !== '') words.push(word);
  return words;
}

interface Heredoc {
  name: string;
  chomp: boolean;
}

/** Heredocs opened on an instruction's line (`<<EOF`, `<<-"EOF"`, `2<<EOF`), as BuildKit's parser finds them. */
function heredocsIn(logical: string): Heredoc[] {
  const found: Heredoc[] = [];
  for (const word of rawWords(logical)) {
    const match = word.match(/^(\d*)<<(-?)\s*([^<]*)$/);
    if (!match || match[3] === '') continue;
    const name = match[3]!.replace(/\\(.)/g, '$1').replace(/["']/g, '');
    if (name !== '') found.push({ chomp: match[2] === '-', name });
  }
  return found;
}

/** One instruction: where it is, its logical line and its heredoc bodies (terminators included). */
interface Segment {
  ast: AstInstruction;
  start: number;
  end: number;
  logical: string;
  bodies: string[];
}

/**
 * The instructions with BuildKit's extents. dockerfile-ast finds them, but it does not know every heredoc
 * form BuildKit does (`2<<EOF` is not one to it; `<<EOF<<X` is one to it but not to BuildKit): each
 * instruction's extent is recomputed, and where it differs the rest of the file is parsed again from the
 * line after it (padded, so line numbers stay right).
 */
function segmentsOf(lines: string[], escape: string, parsed: AstInstruction[]): Segment[] {
  const segments: Segment[] = [];
  let instructions = parsed;
  let index = 0;
  while (index < instructions.length) {
    const ast = instructions[index++]!;
    const start = ast.getRange().start.line;
    if (segments.length > 0 && start <= segments.at(-1)!.end) continue;
    const joined = joinContinuation(lines, start, ast.getInstructionRange().end.character, escape);
    let end = joined.end;
    const keyword = ast.getKeyword();
    if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
      for (const heredoc of heredocsIn(joined.logical)) {
        while (end + 1 < lines.length) {
          const line = lines[++end]!;
          if ((heredoc.chomp ? line.replace(/^\t+/, '') : line) === heredoc.name) break;
        }
      }
    }
    segments.push({ ast, start, end, logical: joined.logical, bodies: lines.slice(joined.end + 1, end + 1) });
    if (end !== ast.getRange().end.line && end + 1 < lines.length) {
      const directive = escape === '\\' ? '' : `# escape=${escape}`;
      const rest = directive + '\n'.repeat(end + 1) + lines.slice(end + 1).join('\n');
      instructions = DockerfileParser.parse(rest).getInstructions().filter((instruction) => instruction.getRange().start.line > end);
      index = 0;
    }
  }
  return segments;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Leading `--flag[=value]` words and the rest, the way BuildKit's flag extraction splits them (quote aware). */
export function splitFlags(logical: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < logical.length && /\s/.test(logical[pos]!)) pos++;
    if (!logical.startsWith('--', pos)) break;
    let word = '';
    let quote: string | undefined;
    while (pos < logical.length) {
      const ch = logical[pos]!;
      if (quote === undefined && /\s/.test(ch)) break;
      if (quote === undefined && (ch === '"' || ch === "'")) quote = ch;
      else if (ch === quote) quote = undefined;
      word += ch;
      pos++;
    }
    flags.push(word);
  }
  return { flags, rest: logical.slice(pos).trim() };
}

function parseJsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  } catch {
    // shell form
  }
  return undefined;
}

/** Splits heredoc body lines (terminators included) into each heredoc's content. */
function heredocContents(bodies: string[], heredocs: Heredoc[]): string[] {
  const contents: string[] = [];
  let index = 0;
  for (const heredoc of heredocs) {
    const content: string[] = [];
    while (index < bodies.length) {
      const line = bodies[index++]!;
      if ((heredoc.chomp ? line.replace(/^\t+/, '') : line) === heredoc.name) break;
      content.push(heredoc.chomp ? line.replace(/^\t+/, '') : line);
    }
    contents.push(content.map((line) => line + '\n').join(''));
  }
  return contents;
}

/**
 * Parse a Dockerfile into the model the rules and the history mapping use. `buildArgs` are `--build-arg`
 * values: they override ARG defaults (global and stage ARGs), as BuildKit does.
 */
export function parseDockerfile(text: string, path: string, buildArgs: Record<string, string> = {}, options: ParseOptions = {}): DockerfileModel {
  const dockerfile = DockerfileParser.parse(text);
  const escape = dockerfile.getEscapeCharacter();
  const lines = text.split(/\r\n|\r|\n/);
  const segments = segmentsOf(lines, escape, dockerfile.getInstructions());
  const hasBuildArg = (name: string): boolean => Object.prototype.hasOwnProperty.call(buildArgs, name);

  // Stage names first: TARGETSTAGE and `COPY --from=<alias>` need all of them.
  const froms = segments.map((segment) => segment.ast).filter((instruction) => instruction.getKeyword() === 'FROM') as From[];
  const aliases = froms.map((from) => stageAlias(from));
  let finalStage = froms.length - 1;
  if (options.target !== undefined) {
    const wanted = options.target.toLowerCase();
    const found = aliases.lastIndexOf(wanted);
    if (found >= 0) finalStage = found;
  }

  // Global scope: the platform ARGs BuildKit always defines, then the ARGs before the first FROM.
  const platform = options.platform ?? 'linux/amd64';
  const globals: Scope = new Map();
  const defaults: Array<[string, string]> = [
    ...platformArgs(options.buildPlatform ?? platform, 'BUILD'),
    ...platformArgs(platform, 'TARGET'),
    ['TARGETSTAGE', (finalStage >= 0 ? aliases[finalStage] : undefined) ?? 'default'],
  ];
  for (const [name, value] of defaults) globals.set(name, { known: true, value: hasBuildArg(name) ? buildArgs[name]! : value });
  /** Global ARGs defined from their own default (not a build arg): name → line. */
  const globalArgLines = new Map<string, number>();
  /** ARGs declared inside stages: name → first line, to explain why a FROM cannot see them. */
  const stageArgLines = new Map<string, number>();

  const model: DockerfileModel = {
    path,
    escape,
    stages: [],
    references: [],
    instructions: [],
    pragmas: new Map(),
    finalStage,
    users: [],
  };
  const stageStates: StageState[] = [];
  const usersByStage = new Map<number, UserInstruction[]>();
  const matchEntries: MatchEntry[][] = [];
  let state: StageState | undefined;
  let stageIndex = -1;

  const isStageAlias = (name: string): number | undefined => {
    const found = aliases.indexOf(name.toLowerCase());
    return found >= 0 ? found : undefined;
  };

  for (const { ast: astInstruction, start, end, logical, bodies } of segments) {
    const keyword = astInstruction.getKeyword();
    const line = start + 1;
    if (keyword === 'FROM') {
      stageIndex++;
    }
    const instruction: Instruction = {
      keyword,
      args: bodies.length > 0 ? logical + '\n' + bodies.join('\n') : logical,
      line,
      endLine: end + 1,
      stage: stageIndex,
    };
    model.instructions.push(instruction);

    if (keyword === 'FROM') {
      const from = astInstruction as From;
      const argumentsWritten = from.getArguments().map((argument) => argument.getValue());
      const baseRaw = argumentsWritten[0] ?? '';
      const platformFlag = findFlag(from.getFlags(), 'platform');
      const platformRaw = platformFlag?.getValue() ?? undefined;
      const base: ResolvedReference =
        baseRaw === '' ? { raw: '', target: 'unknown' } : resolveFrom(baseRaw, lookupIn(globals), escape, stageIndex, aliases, stageArgLines);
      const stage: Stage = { index: stageIndex, line, endLine: end + 1, baseRaw, base };
      const alias = aliases[stageIndex];
      if (alias !== undefined) stage.name = alias;
      if (platformRaw !== undefined) {
        stage.platform = platformRaw;
        const expanded = expandWord(platformRaw, lookupIn(globals), escape);
        if (expanded.unresolved.length === 0) stage.platformResolved = expanded.value;
      }
      model.stages.push(stage);
      if (baseRaw !== '' && (base.target === 'image' || base.target === 'unknown')) {
        const reference = externalReference('from', base, line, stageIndex);
        const single = baseRaw.match(/^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/);
        const argName = single?.[1] ?? single?.[2];
        if (argName !== undefined && globalArgLines.has(argName) && reference.resolved !== undefined) {
          reference.arg = { name: argName, line: globalArgLines.get(argName)! };
        }
        model.references.push(reference);
      }
      const parent = base.target === 'stage' ? stageStates[base.stageIndex!] : undefined;
      state = { env: new Map(parent?.env ?? []) };
      if (parent?.shell) state.shell = [...parent.shell];
      if (parent?.workdir !== undefined) state.workdir = parent.workdir;
      stageStates.push(state);
      matchEntries.push(base.target === 'stage' ? [...(matchEntries[base.stageIndex!] ?? [])] : []);
      continue;
    }

    if (state === undefined) {
      // Before the first FROM: only ARGs count (BuildKit's meta args).
      if (keyword === 'ARG') {
        for (const property of (astInstruction as Arg).getProperties()) {
          const name = property.getName();
          const rawValue = propertyRawValue(property);
          if (hasBuildArg(name)) {
            globals.set(name, { known: true, value: buildArgs[name]! });
            globalArgLines.delete(name);
          } else if (rawValue !== undefined) {
            const expanded = expandWord(rawValue, lookupIn(globals), escape);
            globals.set(name, expanded.unresolved.length > 0 ? { known: false, variables: expanded.unresolved } : { known: true, value: expanded.value });
            globalArgLines.set(name, line);
          } else if (!globals.has(name)) {
            globals.set(name, { known: false, variables: [{ name, why: 'no-value', argLine: line }] });
          }
        }
      }
      continue;
    }

    const stage = state;
    const lookup = lookupIn(stage.env);
    const entries = matchEntries[stageIndex]!;
    switch (keyword) {
      case 'ARG':
        for (const property of (astInstruction as Arg).getProperties()) {
          const name = property.getName();
          if (!stageArgLines.has(name)) stageArgLines.set(name, line);
          const rawValue = propertyRawValue(property);
          let value: VariableValue | undefined;
          if (hasBuildArg(name)) value = { known: true, value: buildArgs[name]! };
          else if (rawValue !== undefined) {
            const expanded = expandWord(rawValue, lookup, escape);
            value = expanded.unresolved.length > 0 ? { known: false, variables: expanded.unresolved } : { known: true, value: expanded.value };
          } else if (globals.has(name)) value = globals.get(name);
          if (value !== undefined) stage.env.set(name, value);
          else if (!stage.env.has(name)) stage.env.set(name, { known: false, variables: [{ name, why: 'no-value', argLine: line }] });
        }
        break;
      case 'ENV':
        for (const property of (astInstruction as Env).getProperties()) {
          const expanded = expandWord(propertyRawValue(property) ?? '', lookup, escape);
          stage.env.set(property.getName(), expanded.unresolved.length > 0 ? { known: false, variables: expanded.unresolved } : { known: true, value: expanded.value });
        }
        break;
      case 'WORKDIR': {
        // BuildKit records the absolute directory; a relative one needs the one before it.
        const expanded = expandWord(logical, lookup, escape);
        if (expanded.unresolved.length > 0) delete stage.workdir;
        else if (expanded.value.startsWith('/')) stage.workdir = posix.resolve(expanded.value);
        else if (stage.workdir !== undefined) stage.workdir = posix.resolve(stage.workdir, expanded.value);
        break;
      }
      case 'SHELL': {
        const shell = parseJsonArray(logical);
        if (shell) stage.shell = shell;
        break;
      }
      case 'USER':
        if (stageIndex >= 0) {
          const expanded = expandWord(logical, lookup, escape);
          const user: UserInstruction = { user: logical, line, stage: stageIndex };
          if (expanded.unresolved.length === 0) user.resolved = expanded.value;
          stageUsers(stageIndex).push(user);
        }
        break;
      case 'COPY': {
        const flag = findFlag((astInstruction as AstInstruction & { getFlags(): Flag[] }).getFlags(), 'from');
        const value = flag?.getValue();
        if (value !== null && value !== undefined) {
          const reference = resolveFromFlag(value, escape, isStageAlias, 'copy-from', line, stageIndex);
          if (reference) model.references.push(reference);
        }
        break;
      }
      case 'RUN':
        for (const flag of (astInstruction as AstInstruction & { getFlags(): Flag[] }).getFlags()) {
          if (flag.getName().toLowerCase() !== 'mount') continue;
          const from = flag.getOptions().find((option) => option.getName().toLowerCase() === 'from');
          const value = from?.getValue();
          if (value === null || value === undefined || value === '') continue;
          const reference = resolveFromFlag(value, escape, isStageAlias, 'mount-from', line, stageIndex);
          if (reference) model.references.push(reference);
        }
        break;
    }
    const entry = matchEntry(instruction, logical, bodies, stage, escape, astInstruction);
    if (keyword === 'WORKDIR' && stage.workdir !== undefined) entry.text.push(stage.workdir);
    entries.push(entry);
  }

  // Stage end lines and the final image's USERs (its own and those of the stages it builds on).
  for (const stage of model.stages) {
    const last = model.instructions.filter((instruction) => instruction.stage === stage.index).at(-1);
    if (last) stage.endLine = last.endLine;
  }
  if (finalStage >= 0) {
    model.users = chainOf(model, finalStage).flatMap((index) => usersByStage.get(index) ?? []);
  }

  // Pragmas: a comment line directly above an instruction, not inside one (a heredoc body, a continuation).
  for (const instruction of model.instructions) {
    const above = instruction.line - 1;
    if (above < 1 || inside(model.instructions, above)) continue;
    const match = lines[above - 1]!.trim().match(PRAGMA);
    if (!match) continue;
    const pragma: Pragma = { rules: match[1]!.split(',').map((rule) => rule.trim()).filter((rule) => rule !== '') };
    const reason = match[2]?.trim();
    if (reason) pragma.reason = reason;
    model.pragmas.set(instruction.line, pragma);
  }

  MATCH_DATA.set(model, finalStage >= 0 ? (matchEntries[finalStage] ?? []) : []);
  return model;

  function stageUsers(index: number): UserInstruction[] {
    let list = usersByStage.get(index);
    if (!list) usersByStage.set(index, (list = []));
    return list;
  }
}

function inside(instructions: Instruction[], line: number): boolean {
  return instructions.some((instruction) => line >= instruction.line && line <= instruction.endLine);
}

/** The stage indexes an image built from `stage` is made of: its ancestors (FROM <alias>) first. */
export function chainOf(model: DockerfileModel, stage: number): number[] {
  const chain: number[] = [];
  let current: number | undefined = stage;
  while (current !== undefined && !chain.includes(current)) {
    chain.unshift(current);
    const base: ResolvedReference | undefined = model.stages[current]?.base;
    current = base?.target === 'stage' ? base.stageIndex : undefined;
  }
  return chain;
}

function stageAlias(from: From): string | undefined {
  const written = from.getArguments().map((argument) => argument.getValue());
  if (written.length === 3 && written[1]!.toLowerCase() === 'as') return written[2]!.toLowerCase();
  return undefined;
}

function findFlag(flags: Flag[], name: string): Flag | undefined {
  return flags.find((flag) => flag.getName().toLowerCase() === name);
}

/** An ARG/ENV value as written (quotes and escapes kept, so expansion can honour them); undefined without `=`. */
function propertyRawValue(property: Property): string | undefined {
  if (property.getValue() === null) return undefined;
  return property.getUnescapedValue() ?? '';
}

function resolveFrom(
  raw: string,
  lookup: VariableLookup,
  escape: string,
  index: number,
  aliases: Array<string | undefined>,
  stageArgLines: Map<string, number>,
): ResolvedReference {
  const expanded = expandWord(raw, lookup, escape);
  if (expanded.unresolved.length > 0) {
    const unresolved = expanded.unresolved.map((variable) => {
      const stageLine = stageArgLines.get(variable.name);
      return variable.why === 'undeclared' && stageLine !== undefined ? { ...variable, argLine: stageLine } : variable;
    });
    return { raw, unresolved, target: 'unknown' };
  }
  const resolved = expanded.value;
  // Only earlier stages count: a later alias is an image name to BuildKit.
  const earlier = aliases.slice(0, index).lastIndexOf(resolved.toLowerCase());
  if (earlier >= 0) return { raw, resolved, target: 'stage', stageIndex: earlier };
  if (resolved.toLowerCase() === 'scratch') return { raw, resolved, target: 'scratch' };
  const reference: ResolvedReference = { raw, resolved, target: 'image' };
  const image = parseReference(resolved);
  if (image) reference.image = image;
  return reference;
}

function externalReference(kind: ReferenceKind, base: ResolvedReference, line: number, stage: number): ExternalReference {
  const reference: ExternalReference = { kind, raw: base.raw, line, stage };
  if (base.resolved !== undefined) reference.resolved = base.resolved;
  if (base.unresolved) reference.unresolved = base.unresolved;
  if (base.expansionUnsupported) reference.expansionUnsupported = true;
  if (base.image) reference.image = base.image;
  return reference;
}

/**
 * `COPY --from=<x>` / `RUN --mount=from=<x>`: a stage alias (case-insensitive, anywhere in the file, as
 * BuildKit looks it up), a stage index, `scratch`, or an image. BuildKit expands no variables here.
 */
function resolveFromFlag(
  raw: string,
  escape: string,
  isStageAlias: (name: string) => number | undefined,
  kind: ReferenceKind,
  line: number,
  stage: number,
): ExternalReference | undefined {
  if (/^\d+$/.test(raw) || isStageAlias(raw) !== undefined || raw.toLowerCase() === 'scratch') return undefined;
  if (expandWord(raw, () => ({ known: true, value: '' }), escape).value !== raw) {
    return { kind, raw, expansionUnsupported: true, line, stage };
  }
  const reference: ExternalReference = { kind, raw, resolved: raw, line, stage };
  const image = parseReference(raw);
  if (image) reference.image = image;
  return reference;
}

/** What the history mapping needs to know about one instruction of the final image. */
function matchEntry(instruction: Instruction, logical: string, bodies: string[], stage: StageState, escape: string, ast: AstInstruction): MatchEntry {
  const { keyword } = instruction;
  const entry: MatchEntry = { instruction, keyword, text: [normalise(instruction.args)] };
  const shells = stage.shell ? [stage.shell.join(' ')] : ['/bin/sh -c', 'cmd /S /C'];
  const { rest } = splitFlags(logical);
  switch (keyword) {
    case 'RUN': {
      const exec = parseJsonArray(rest);
      if (exec) {
        entry.run = [normalise(exec.join(' '))];
        break;
      }
      const commands = [bodies.length > 0 ? rest + '\n' + bodies.join('\n') : rest];
      // A command that is one heredoc alone runs its content (or, with a shebang, the file it makes).
      const heredocs = heredocsIn(rest);
      if (heredocs.length === 1 && rawWords(rest).length === 1) {
        const content = heredocContents(bodies, heredocs)[0] ?? '';
        commands.push(content.startsWith('#!') ? '/dev/pipes/' + heredocs[0]!.name : content);
      }
      entry.run = shells.flatMap((shell) => commands.map((command) => normalise(shell + ' ' + command)));
      break;
    }
    case 'COPY':
    case 'ADD': {
      const exec = parseJsonArray(rest);
      const words = exec ?? rest.split(/\s+/).filter((word) => word !== '');
      const dest = words.at(-1) ?? '';
      const sources = words.slice(0, -1);
      const lookup = lookupIn(stage.env);
      const expand = (word: string): string[] => {
        const expanded = expandWord(word, lookup, escape);
        return expanded.unresolved.length === 0 && expanded.value !== word ? [word, expanded.value] : [word];
      };
      entry.copy = { dests: expand(dest), sources: sources.map((source) => expand(source)) };
      break;
    }
    case 'ENV':
    case 'ARG':
    case 'LABEL': {
      const properties = (ast as Env).getProperties();
      entry.keys = properties.map((property) => property.getName());
      entry.text.push(normalise(properties.map((property) => `${property.getName()}=${property.getValue() ?? ''}`).join(' ')));
      break;
    }
    case 'SHELL': {
      // Both builders print the list with Go's %v: `SHELL [/bin/bash -o pipefail -c]`.
      const shell = parseJsonArray(rest);
      if (shell) entry.text.push(normalise('[' + shell.join(' ') + ']'));
      break;
    }
    case 'CMD':
    case 'ENTRYPOINT': {
      const exec = parseJsonArray(rest);
      const goQuoted = (items: string[]): string => '[' + items.map((item) => JSON.stringify(item)).join(' ') + ']';
      if (exec) entry.text.push(goQuoted(exec));
      else for (const shell of stage.shell ? [stage.shell] : [['/bin/sh', '-c'], ['cmd', '/S', '/C']]) entry.text.push(goQuoted([...shell, rest]));
      break;
    }
  }
  return entry;
}
