import type { ImageReference } from '../reference.js';
import type { UnresolvedVariable } from './expand.js';
import type { Heredoc } from './scan.js';

export type { UnresolvedVariable } from './expand.js';
export type { Heredoc } from './scan.js';

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
  /** As written (for flags: after BuildKit removed quotes and escapes). */
  raw: string;
  /** After ARG substitution; undefined when it cannot be known (see `unresolved`, `expansionError`). */
  resolved?: string;
  /** The variables that kept `resolved` undefined. */
  unresolved?: UnresolvedVariable[];
  /** Undeclared variables BuildKit expanded to an empty string to make `resolved`. */
  emptied?: Array<{ name: string; stageArgLine?: number }>;
  /**
   * `--from`/`from=` with variables: BuildKit does not expand them (it fails the build), so neither do we;
   * `resolved` is undefined.
   */
  expansionUnsupported?: boolean;
  /** BuildKit fails to expand the reference (a bad substitution, an empty name): its message. */
  expansionError?: string;
  /** `image`: an image to pull; `stage`: an earlier stage (`stageIndex`); `scratch`; `unknown`: unresolved. */
  target: 'image' | 'stage' | 'scratch' | 'unknown';
  stageIndex?: number;
  /** The parsed image reference, when `target` is `image` and `resolved` is a valid reference. */
  image?: ImageReference;
}

export interface Stage {
  index: number;
  /** The `AS` alias, lower case (BuildKit stores stage names in lower case). */
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

/** `syntax`: the `# syntax=` frontend image BuildKit pulls to read the Dockerfile. */
export type ReferenceKind = 'from' | 'copy-from' | 'mount-from' | 'syntax';

/** An image this Dockerfile pulls: never a stage, never `scratch`. */
export interface ExternalReference extends Omit<ResolvedReference, 'target' | 'stageIndex'> {
  kind: ReferenceKind;
  /** First line of the instruction (1-based); for `syntax`, the directive's line. */
  line: number;
  /** Index of the stage the instruction is in (-1 for `syntax`). */
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
  /** The comment's own line (the instruction's line minus one). */
  line: number;
}

/** A comment that looks like a pragma but applies to nothing, or names no rule. */
export interface PragmaProblem {
  line: number;
  message: string;
}

export interface UserInstruction {
  /** As written, and after variable substitution (undefined when it cannot be resolved). */
  user: string;
  resolved?: string;
  /** Why `resolved` is undefined. */
  unresolved?: UnresolvedVariable[];
  line: number;
  stage: number;
}

/** An ENV or ARG definition: `ENV NAME=value`, `ARG NAME=default`, `ARG NAME`. */
export interface VariableDefinition {
  kind: 'ENV' | 'ARG';
  name: string;
  /** The value as written (quotes kept); undefined for an ARG without a default. */
  written?: string;
  /** The value after expansion, when known. */
  value?: string;
  /** Whether the written value refers to variables (`$TOKEN`), or is a literal. */
  usesVariables: boolean;
  line: number;
  /** -1 for the global ARGs before the first FROM. */
  stage: number;
  /** A stage ARG without a default that brings in a global ARG's value: that global definition. */
  inherited?: VariableDefinition;
}

/** A RUN instruction's command, for rules that read what it runs. */
export interface RunInstruction {
  line: number;
  endLine: number;
  stage: number;
  /** The flags as written on the line (`--mount=…`), quotes and escapes removed by BuildKit. */
  flags: string[];
  /** Shell form: the command after the flags, continuation lines joined. */
  shell?: string;
  /** Exec form: the words. */
  exec?: string[];
  heredocs: Heredoc[];
  /** SHELL in effect (undefined: the default `/bin/sh -c`). */
  shellCommand?: string[];
}

export interface DockerfileModel {
  path: string;
  /** The escape character (`\` unless a `# escape=` directive says otherwise). */
  escape: string;
  stages: Stage[];
  /** Every external image reference, in file order (the `# syntax=` image first). */
  references: ExternalReference[];
  instructions: Instruction[];
  /** Inline ignores: instruction line → the rules to ignore there. */
  pragmas: Map<number, Pragma>;
  pragmaProblems: PragmaProblem[];
  /** The stage the image is built from: `options.target`, else the last. */
  finalStage: number;
  /** The stages the final image is made of: its ancestors (`FROM <alias>`) first, the final stage last. */
  finalChain: number[];
  /**
   * USER instructions that shape the final image: those of the final stage and of the stages it builds on
   * (`FROM <alias>`), in order; the last one wins.
   */
  users: UserInstruction[];
  /** ENV and ARG definitions, in file order. */
  variables: VariableDefinition[];
  runs: RunInstruction[];
}

export interface ParseOptions {
  /** `--target`: the stage that makes the image (default: the last). */
  target?: string;
  /** Target platform for TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT (default `linux/amd64`). */
  platform?: string;
  /** Build platform for BUILDPLATFORM, BUILDOS, ... (default: the target platform). */
  buildPlatform?: string;
  /**
   * Keep what mapping an image's history to instructions needs (default true). `lint` has no image and
   * turns it off: it is most of the parse's memory on large files.
   */
  history?: boolean;
}
