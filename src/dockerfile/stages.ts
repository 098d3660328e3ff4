/**
 * The pass over the scanned instructions that follows BuildKit's dispatch: stages and their bases, the
 * ARG scopes (global ARGs for FROM lines, stage ARGs and ENV for the rest), USER, WORKDIR and SHELL, the
 * external references, and what the history mapping needs of the final image's instructions.
 */
import { posix } from 'node:path';
import {
  argArguments,
  checkTrigger,
  copyArguments,
  fromArguments,
  keyValueArguments,
  shellArguments,
  singleArgument,
} from './arguments.js';
import { expandWord, type Expansion, type VariableLookup, type VariableValue } from './expand.js';
import type { MatchEntry } from './internal.js';
import { DockerfileError, LimitError, type ExpansionBudget } from './limits.js';
import { matchEntry } from './match-entries.js';
import type { DockerfileModel, Instruction, ParseOptions, Stage, UserInstruction, VariableDefinition } from './model.js';
import { copyFromReference, fromReference, mountFromReferences, resolveBase, type StageNames } from './references.js';
import type { ScannedInstruction } from './scan.js';
import { sharedCase, trimSpace } from './text.js';

type Scope = Map<string, VariableValue>;

export interface StageState {
  env: Scope;
  /** SHELL in effect, when the Dockerfile sets one. */
  shell?: string[];
  /** WORKDIR in effect, when known (the base image's is not). */
  workdir?: string;
  /** An undeclared variable is empty on scratch, and the base image's on an image. */
  undeclared: 'empty' | 'base-image';
}

const INSTRUCTIONS = new Set([
  'add', 'arg', 'cmd', 'copy', 'entrypoint', 'env', 'expose', 'from', 'healthcheck', 'label', 'maintainer',
  'onbuild', 'run', 'shell', 'stopsignal', 'user', 'volume', 'workdir',
]);

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

const upperCase = sharedCase((keyword) => keyword.toUpperCase());

function lookupIn(scope: Scope): VariableLookup {
  return (name) => scope.get(name);
}

/** A value as a scope holds it: known, or unknown for the variables (or the BuildKit error) to blame. */
function valueOf(expansion: Expansion, name: string, line: number): VariableValue {
  if (expansion.error !== undefined) return { known: false, variables: [{ name, why: 'error', argLine: line, message: expansion.error }] };
  if (expansion.unresolved.length > 0) return { known: false, variables: expansion.unresolved };
  return expansion.emptied.length > 0 ? { known: true, value: expansion.value, emptied: expansion.emptied } : { known: true, value: expansion.value };
}

export class ModelBuilder {
  readonly model: DockerfileModel;
  private readonly globals: Scope = new Map();
  /** Global ARGs defined from their own default (not a build arg): name → line. */
  private readonly globalArgLines = new Map<string, number>();
  /** ARGs declared inside stages: name → first line, to explain why a FROM cannot see them. */
  private readonly stageArgLines = new Map<string, number>();
  /** The global ARG definition each global value comes from. */
  private readonly globalDefinitions = new Map<string, VariableDefinition>();
  private readonly names: StageNames;
  private readonly states: StageState[] = [];
  private readonly usersByStage = new Map<number, UserInstruction[]>();
  readonly matchEntries: MatchEntry[][] = [];
  private stageIndex = -1;
  private readonly history: boolean;

  constructor(
    private readonly path: string,
    escape: string,
    private readonly budget: ExpansionBudget,
    private readonly buildArgs: Record<string, string>,
    scanned: readonly ScannedInstruction[],
    options: ParseOptions,
  ) {
    this.names = stageNamesOf(path, scanned);
    this.history = options.history ?? true;
    const finalStage = options.target !== undefined ? this.names.byName(options.target) ?? this.names.count - 1 : this.names.count - 1;
    this.model = {
      path,
      escape,
      stages: [],
      references: [],
      instructions: [],
      pragmas: new Map(),
      pragmaProblems: [],
      finalStage,
      finalChain: [],
      users: [],
      variables: [],
      runs: [],
    };
    const platform = options.platform ?? 'linux/amd64';
    const defaults: Array<[string, string]> = [
      ...platformArgs(options.buildPlatform ?? platform, 'BUILD'),
      ...platformArgs(platform, 'TARGET'),
      ['TARGETSTAGE', options.target ?? 'default'],
    ];
    for (const [name, value] of defaults) this.globals.set(name, { known: true, value: this.hasBuildArg(name) ? buildArgs[name]! : value });
  }

  private hasBuildArg(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.buildArgs, name);
  }

  private fail(line: number, message: string): DockerfileError {
    return new DockerfileError(this.path, line, message);
  }

  /** Expands a word; a limit passed is an error on the line. */
  private expand(word: string, lookup: VariableLookup, undeclared: StageState['undeclared'], line: number): Expansion {
    try {
      return expandWord(word, lookup, { escape: this.model.escape, budget: this.budget, undeclared });
    } catch (error) {
      if (error instanceof LimitError) throw this.fail(line, error.message);
      throw error;
    }
  }

  add(scanned: ScannedInstruction): void {
    const command = scanned.command;
    if (!INSTRUCTIONS.has(command)) throw this.fail(scanned.line, `unknown instruction: ${scanned.keyword}`);
    if (command === 'from') this.stageIndex++;
    else if (this.stageIndex < 0 && command !== 'arg') {
      throw this.fail(scanned.line, `${scanned.keyword.toUpperCase()} before the first FROM: BuildKit allows only ARG there ("no build stage in current context")`);
    }
    const instruction: Instruction = {
      keyword: upperCase(scanned.keyword),
      args: argsOf(scanned),
      line: scanned.line,
      endLine: scanned.endLine,
      stage: this.stageIndex,
    };
    this.model.instructions.push(instruction);
    if (command === 'from') return this.from(scanned);
    if (this.stageIndex < 0) return this.globalArg(scanned);
    const state = this.states[this.stageIndex]!;
    this.dispatch(scanned, state);
    if (!this.history) return;
    const entry = matchEntry(instruction, scanned, state, this.model.escape, (word) => this.expand(word, lookupIn(state.env), state.undeclared, scanned.line));
    if (command === 'workdir' && state.workdir !== undefined) entry.text.push(state.workdir);
    this.matchEntries[this.stageIndex]!.push(entry);
  }

  private dispatch(scanned: ScannedInstruction, state: StageState): void {
    switch (scanned.command) {
      case 'arg':
        return this.stageArg(scanned, state);
      case 'env':
        return this.env(scanned, state);
      case 'label':
        keyValueArguments(this.path, scanned, this.model.escape);
        return;
      case 'user':
        return this.user(scanned, state);
      case 'workdir':
        return this.workdir(scanned, state);
      case 'shell':
        state.shell = shellArguments(this.path, scanned);
        return;
      case 'copy':
      case 'add':
        return this.copy(scanned);
      case 'run':
        return this.run(scanned, state);
      case 'onbuild':
        return checkTrigger(this.path, scanned);
    }
  }

  private from(scanned: ScannedInstruction): void {
    const { base: baseRaw, name, platform } = fromArguments(this.path, scanned);
    const index = this.stageIndex;
    const line = scanned.line;
    const expandGlobal = (word: string): Expansion => this.expand(word, lookupIn(this.globals), 'empty', line);
    const base = resolveBase(baseRaw, expandGlobal(baseRaw), this.names, index, this.stageArgLines);
    const stage: Stage = { index, line, endLine: scanned.endLine, baseRaw, base };
    if (name !== undefined) stage.name = name;
    if (platform !== undefined) {
      stage.platform = platform;
      const expanded = expandGlobal(platform);
      if (expanded.error === undefined && expanded.unresolved.length === 0 && expanded.value !== '') stage.platformResolved = expanded.value;
    }
    this.model.stages.push(stage);
    this.names.defined(index);
    const reference = fromReference(baseRaw, base, line, index, this.globalArgLines);
    if (reference) this.model.references.push(reference);

    const parent = base.target === 'stage' ? this.states[base.stageIndex!] : undefined;
    const state: StageState = { env: new Map(parent?.env ?? []), undeclared: parent ? parent.undeclared : base.target === 'scratch' ? 'empty' : 'base-image' };
    if (parent?.shell) state.shell = [...parent.shell];
    if (parent?.workdir !== undefined) state.workdir = parent.workdir;
    this.states.push(state);
    this.matchEntries.push(base.target === 'stage' ? [...(this.matchEntries[base.stageIndex!] ?? [])] : []);
  }

  /** Before the first FROM: BuildKit's meta args, the only scope FROM lines see. */
  private globalArg(scanned: ScannedInstruction): void {
    const line = scanned.line;
    for (const { key: name, value: written } of argArguments(this.path, scanned, this.model.escape)) {
      const expanded = written === undefined || this.hasBuildArg(name) ? undefined : this.expand(written, lookupIn(this.globals), 'empty', line);
      if (this.hasBuildArg(name)) {
        this.globals.set(name, { known: true, value: this.buildArgs[name]! });
        this.globalArgLines.delete(name);
      } else if (expanded) {
        this.globals.set(name, valueOf(expanded, name, line));
        this.globalArgLines.set(name, line);
      } else if (!this.globals.has(name)) {
        this.globals.set(name, { known: false, variables: [{ name, why: 'no-value', argLine: line }] });
      }
      const definition = this.define('ARG', name, written, expanded, line);
      if (written !== undefined || !this.globalDefinitions.has(name)) this.globalDefinitions.set(name, definition);
    }
  }

  private stageArg(scanned: ScannedInstruction, state: StageState): void {
    const line = scanned.line;
    for (const { key: name, value: written } of argArguments(this.path, scanned, this.model.escape)) {
      if (!this.stageArgLines.has(name)) this.stageArgLines.set(name, line);
      let value: VariableValue | undefined;
      let expanded: Expansion | undefined;
      let inherited: VariableDefinition | undefined;
      if (this.hasBuildArg(name)) value = { known: true, value: this.buildArgs[name]! };
      else if (written !== undefined) value = valueOf((expanded = this.expand(written, lookupIn(state.env), state.undeclared, line)), name, line);
      else if ((value = this.globals.get(name)) !== undefined) inherited = this.globalDefinitions.get(name);
      if (value !== undefined) state.env.set(name, value);
      else if (!state.env.has(name)) state.env.set(name, { known: false, variables: [{ name, why: 'no-value', argLine: line }] });
      const definition = this.define('ARG', name, written, expanded, line);
      if (inherited) definition.inherited = inherited;
    }
  }

  /** ENV expands every key and value with the environment from before the instruction (as BuildKit does). */
  private env(scanned: ScannedInstruction, state: StageState): void {
    const line = scanned.line;
    const before = lookupIn(new Map(state.env));
    for (const { key, value: written } of keyValueArguments(this.path, scanned, this.model.escape)) {
      const expandedKey = this.expand(key, before, state.undeclared, line);
      const name = expandedKey.error === undefined && expandedKey.unresolved.length === 0 ? expandedKey.value : key;
      const expanded = this.expand(written, before, state.undeclared, line);
      state.env.set(name, valueOf(expanded, name, line));
      this.define('ENV', name, written, expanded, line);
    }
  }

  private define(kind: 'ENV' | 'ARG', name: string, written: string | undefined, expanded: Expansion | undefined, line: number): VariableDefinition {
    const definition: VariableDefinition = { kind, name, usesVariables: expanded?.usesVariables ?? false, line, stage: this.stageIndex };
    if (written !== undefined) definition.written = written;
    if (expanded && expanded.error === undefined && expanded.unresolved.length === 0) definition.value = expanded.value;
    this.model.variables.push(definition);
    return definition;
  }

  private user(scanned: ScannedInstruction, state: StageState): void {
    const written = singleArgument(this.path, scanned);
    const expanded = this.expand(written, lookupIn(state.env), state.undeclared, scanned.line);
    const user: UserInstruction = { user: written, line: scanned.line, stage: this.stageIndex };
    if (expanded.error === undefined && expanded.unresolved.length === 0) user.resolved = expanded.value;
    else if (expanded.unresolved.length > 0) user.unresolved = expanded.unresolved;
    let list = this.usersByStage.get(this.stageIndex);
    if (!list) this.usersByStage.set(this.stageIndex, (list = []));
    list.push(user);
  }

  /** BuildKit records the absolute directory; a relative one needs the one before it. */
  private workdir(scanned: ScannedInstruction, state: StageState): void {
    const expanded = this.expand(singleArgument(this.path, scanned), lookupIn(state.env), state.undeclared, scanned.line);
    if (expanded.error !== undefined || expanded.unresolved.length > 0) delete state.workdir;
    else if (expanded.value.startsWith('/')) state.workdir = posix.resolve(expanded.value);
    else if (state.workdir !== undefined) state.workdir = posix.resolve(state.workdir, expanded.value);
  }

  private copy(scanned: ScannedInstruction): void {
    copyArguments(this.path, scanned);
    const reference = copyFromReference(scanned, this.names, this.stageIndex, this.model.escape, this.budget);
    if (reference) this.model.references.push(reference);
  }

  private run(scanned: ScannedInstruction, state: StageState): void {
    this.model.references.push(...mountFromReferences(scanned, this.names, this.stageIndex));
    const run: DockerfileModel['runs'][number] = { line: scanned.line, endLine: scanned.endLine, stage: this.stageIndex, flags: scanned.flags, heredocs: scanned.heredocs };
    if (scanned.json) run.exec = scanned.json;
    else run.shell = scanned.rest;
    if (state.shell) run.shellCommand = [...state.shell];
    this.model.runs.push(run);
  }

  /** Stage end lines, the final image's stage chain and its USERs. */
  finish(): void {
    const model = this.model;
    for (const instruction of model.instructions) {
      const stage = model.stages[instruction.stage];
      if (stage) stage.endLine = instruction.endLine;
    }
    model.finalChain = chainOf(model, model.finalStage);
    model.users = model.finalChain.flatMap((index) => this.usersByStage.get(index) ?? []);
  }
}

/**
 * The stage names of the whole file, for `--from`/`from=`, which see every stage (the last of a name),
 * and `--target`. A FROM that BuildKit refuses is reported when the pass in file order reaches it.
 */
function stageNamesOf(path: string, scanned: readonly ScannedInstruction[]): StageNames {
  const all = new Map<string, number>();
  const names: string[] = [];
  for (const instruction of scanned) {
    if (instruction.command !== 'from') continue;
    let name: string | undefined;
    try {
      name = fromArguments(path, instruction).name;
    } catch {
      name = undefined;
    }
    if (name !== undefined) all.set(name, names.length);
    names.push(name ?? '');
  }
  const count = names.length;
  const earlier = new Map<string, number>();
  return {
    count,
    byName: (name) => all.get(name.toLowerCase()),
    earlier: (name) => earlier.get(name),
    defined: (index) => {
      if (names[index] !== '') earlier.set(names[index]!, index);
    },
  };
}

/** The stage indexes an image built from `stage` is made of: its ancestors (FROM <alias>) first. */
export function chainOf(model: DockerfileModel, stage: number): number[] {
  const chain: number[] = [];
  const seen = new Set<number>();
  let current: number | undefined = stage;
  while (current !== undefined && current >= 0 && !seen.has(current)) {
    seen.add(current);
    chain.push(current);
    const base: Stage['base'] | undefined = model.stages[current]?.base;
    current = base?.target === 'stage' ? base.stageIndex : undefined;
  }
  return chain.reverse();
}

/** The instruction's arguments as written, with its heredoc bodies (and their terminators) after it. */
function argsOf(scanned: ScannedInstruction): string {
  // The logical line starts with the keyword (it is trimmed on the left).
  const written = trimSpace(scanned.original.slice(scanned.keyword.length));
  if (scanned.heredocs.length === 0) return written;
  return [written, ...scanned.heredocs.map((heredoc) => heredoc.content + heredoc.terminator)].join('\n');
}
