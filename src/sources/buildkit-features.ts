import { DockerfileParser, type Instruction } from 'dockerfile-ast';

/** A construct only BuildKit builds as written: the classic builder refuses it, or builds something else. */
export interface BuildKitFeature {
  /** 1-based line of the instruction or directive. */
  line: number;
  /** What it is, as a user would search for it: `a heredoc (RUN <<EOT)`, `COPY --chmod`. */
  feature: string;
}

/** The flags the classic builder (Docker 20.10's, which later engines keep as it was) understands. */
const CLASSIC_FLAGS: Record<string, readonly string[]> = {
  FROM: ['platform'],
  COPY: ['from', 'chown'],
  ADD: ['chown'],
  RUN: [],
};

/** The ARGs BuildKit always defines; the classic builder leaves them empty unless given as build args. */
const AUTOMATIC_ARGS = /^(?:(?:TARGET|BUILD)(?:PLATFORM|OS|OSVERSION|ARCH|VARIANT)|TARGETSTAGE)$/;
const AUTOMATIC_REFERENCE = /\$\{?((?:TARGET|BUILD)(?:PLATFORM|OS|OSVERSION|ARCH|VARIANT)|TARGETSTAGE)\b/;

function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
}

function heredocOf(instruction: Instruction): string | undefined {
  // Public on RUN and COPY; ADD has the same (protected) method.
  const heredocs = (instruction as unknown as { getHeredocs?(): Array<{ getName(): string }> }).getHeredocs?.() ?? [];
  return heredocs[0]?.getName();
}

function flagsOf(instruction: Instruction): Array<{ name: string; value: string }> {
  const withFlags = instruction as unknown as { getFlags?(): Array<{ getName(): string; getValue(): string | null }> };
  return withFlags.getFlags?.().map((flag) => ({ name: flag.getName().toLowerCase(), value: flag.getValue() ?? '' })) ?? [];
}

function instructionFeature(instruction: Instruction, buildArgs: Record<string, string>): string | undefined {
  const keyword = instruction.getKeyword().toUpperCase();
  const heredoc = heredocOf(instruction);
  if (heredoc !== undefined) return `a heredoc (${keyword} <<${heredoc})`;
  const known = CLASSIC_FLAGS[keyword];
  const flag = known && flagsOf(instruction).find((candidate) => !known.includes(candidate.name));
  if (flag) return `${keyword} --${flag.name}`;
  if (keyword === 'ARG') {
    // Only without a default: a default wins over BuildKit's value too.
    const names = (instruction.getArgumentsContent() ?? '').split(/\s+/).filter((word) => word !== '' && !word.includes('='));
    const name = names.find((word) => AUTOMATIC_ARGS.test(word) && !(word in buildArgs));
    if (name) return `ARG ${name} (BuildKit sets it, the classic builder leaves it empty)`;
  }
  if (keyword === 'FROM') {
    const words = [instruction.getArgumentsContent() ?? '', ...flagsOf(instruction).map((flag) => flag.value)].join(' ');
    const used = AUTOMATIC_REFERENCE.exec(words)?.[1];
    if (used && !(used in buildArgs)) return `FROM with $${used} (BuildKit sets it, the classic builder leaves it empty)`;
  }
  return undefined;
}

/**
 * The first construct of a Dockerfile that needs BuildKit, or undefined when the classic builder builds it
 * as BuildKit would. Without this, a heredoc `RUN <<EOT` whose body reads like instructions builds without
 * error under the classic builder and never runs, and `COPY ${TARGETARCH}/ /` copies the whole context.
 */
export function firstBuildKitFeature(text: string, buildArgs: Record<string, string> = {}): BuildKitFeature | undefined {
  const dockerfile = DockerfileParser.parse(text);
  const syntax = dockerfile.getDirectives().find((directive) => directive.getName().toLowerCase() === 'syntax');
  if (syntax) return { line: syntax.getRange().start.line + 1, feature: `the # syntax=${syntax.getValue()} directive (a BuildKit frontend)` };
  for (const instruction of dockerfile.getInstructions()) {
    const feature = instructionFeature(instruction, buildArgs);
    if (feature) return { line: lineOf(instruction), feature };
  }
  return undefined;
}
