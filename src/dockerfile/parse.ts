/**
 * A Dockerfile read the way BuildKit reads it, in passes, each linear in the file: physical lines
 * (text.ts), directives, continuations and heredocs (scan.ts), stages, ARG scopes and references
 * (stages.ts, references.ts), pragmas (pragmas.ts).
 */
import { MATCH_DATA } from './internal.js';
import { DockerfileError, newBudget } from './limits.js';
import type { DockerfileModel, ParseOptions } from './model.js';
import { readPragmas } from './pragmas.js';
import { syntaxReference } from './references.js';
import { scanDockerfile, syntaxDirective, type ScanResult } from './scan.js';
import { ModelBuilder } from './stages.js';
import { physicalLines } from './text.js';

export type * from './model.js';
export { findInstructionForHistory, mapHistoryToInstructions } from './history.js';
export { chainOf } from './stages.js';

const MAYBE_FROM = /^[\t\n\v\f\r \u0085\u00a0]*from(?:[\t\v\f\r ]|$)/im;

function notADockerfile(path: string): DockerfileError {
  return new DockerfileError(path, undefined, 'is not a Dockerfile: no FROM instruction');
}

/** The scan, except that a file with no FROM anywhere is "not a Dockerfile" whatever else is wrong with it. */
function scan(lines: string[], text: string, path: string, budget: ReturnType<typeof newBudget>): ScanResult {
  try {
    return scanDockerfile(lines, path, budget);
  } catch (error) {
    if (error instanceof DockerfileError && !MAYBE_FROM.test(text)) throw notADockerfile(path);
    throw error;
  }
}

/**
 * Parse a Dockerfile into the model the rules and the history mapping use. `buildArgs` are `--build-arg`
 * values: they override ARG defaults (global and stage ARGs), as BuildKit does. Throws a DockerfileError
 * (one line naming the file and line) where BuildKit refuses the file, or a limit is passed.
 */
export function parseDockerfile(text: string, path: string, buildArgs: Record<string, string> = {}, options: ParseOptions = {}): DockerfileModel {
  const budget = newBudget();
  const lines = physicalLines(text, path);
  const syntax = syntaxDirective(lines, path);
  const scanned = scan(lines, text, path, budget);
  lines.length = 0;
  if (!scanned.instructions.some((instruction) => instruction.command === 'from')) throw notADockerfile(path);

  const builder = new ModelBuilder(path, scanned.escape, budget, buildArgs, scanned.instructions, options);
  // Each scanned instruction is let go once the model has what it needs of it (memory on huge files).
  const instructions = scanned.instructions;
  for (let index = 0; index < instructions.length; index++) {
    builder.add(instructions[index]!);
    (instructions as unknown[])[index] = undefined;
  }
  builder.finish();
  const model = builder.model;
  if (syntax) model.references.unshift(syntaxReference(syntax.image, syntax.line));
  const { pragmas, problems } = readPragmas(scanned.comments, new Set(model.instructions.map((instruction) => instruction.line)));
  model.pragmas = pragmas;
  model.pragmaProblems = problems;
  MATCH_DATA.set(model, builder.matchEntries[model.finalStage] ?? []);
  return model;
}
