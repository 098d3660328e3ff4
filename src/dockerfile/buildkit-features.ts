/**
 * What only BuildKit builds as written, found with the same scan as every other read of a Dockerfile
 * (scan.ts): the classic builder refuses such a construct, or builds something else from it.
 */
import { newBudget } from './limits.js';
import { scanDockerfile, syntaxDirective, type ScannedInstruction } from './scan.js';
import { physicalLines } from './text.js';

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

/** `--name=value` or `--name` as BuildKit's flag parser splits them (quotes already removed by the scan). */
function flagsOf(instruction: ScannedInstruction): Array<{ name: string; value: string }> {
  return instruction.flags.map((flag) => {
    const eq = flag.indexOf('=');
    const name = (eq === -1 ? flag.slice(2) : flag.slice(2, eq)).toLowerCase();
    return { name, value: eq === -1 ? '' : flag.slice(eq + 1) };
  });
}

function instructionFeature(instruction: ScannedInstruction, buildArgs: Record<string, string>): string | undefined {
  const keyword = instruction.command.toUpperCase();
  const heredoc = instruction.heredocs[0]?.name;
  if (heredoc !== undefined) return `a heredoc (${keyword} <<${heredoc})`;
  const known = CLASSIC_FLAGS[keyword];
  const flag = known && flagsOf(instruction).find((candidate) => !known.includes(candidate.name));
  if (flag) return `${keyword} --${flag.name}`;
  if (keyword === 'ARG') {
    // Only without a default: a default wins over BuildKit's value too.
    const names = instruction.rest.split(/\s+/).filter((word) => word !== '' && !word.includes('='));
    const name = names.find((word) => AUTOMATIC_ARGS.test(word) && !(word in buildArgs));
    if (name) return `ARG ${name} (BuildKit sets it, the classic builder leaves it empty)`;
  }
  if (keyword === 'FROM') {
    const words = [instruction.rest, ...flagsOf(instruction).map((flag) => flag.value)].join(' ');
    const used = AUTOMATIC_REFERENCE.exec(words)?.[1];
    if (used && !(used in buildArgs)) return `FROM with $${used} (BuildKit sets it, the classic builder leaves it empty)`;
  }
  return undefined;
}

/**
 * The first construct of a Dockerfile that needs BuildKit, or undefined when the classic builder builds it
 * as BuildKit would. Without this, a heredoc `RUN <<EOT` whose body reads like instructions builds without
 * error under the classic builder and never runs, and `COPY ${TARGETARCH}/ /` copies the whole context.
 * Throws a DockerfileError where BuildKit itself would refuse the file.
 */
export function firstBuildKitFeature(text: string, buildArgs: Record<string, string> = {}, path = 'Dockerfile'): BuildKitFeature | undefined {
  const lines = physicalLines(text, path);
  const syntax = syntaxDirective(lines, path);
  if (syntax) return { line: syntax.line, feature: `the # syntax=${syntax.image} directive (a BuildKit frontend)` };
  for (const instruction of scanDockerfile(lines, path, newBudget()).instructions) {
    const feature = instructionFeature(instruction, buildArgs);
    if (feature) return { line: instruction.line, feature };
  }
  return undefined;
}
