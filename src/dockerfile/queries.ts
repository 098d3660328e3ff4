/**
 * What the image rules can learn from the Dockerfile to point their findings at a line: the final image's
 * USER, the FROM of its final stage, the ENV or ARG that set a variable.
 */
import type { RuleId } from '../rules/types.js';
import type { DockerfileModel, ResolvedReference, VariableDefinition } from './model.js';

export { finalUser, type FinalUser } from './rules/root-user.js';

/** The final stage's FROM line, its base, and the base at the root of its `FROM <stage>` chain. */
export function finalFrom(model: DockerfileModel): { line: number; base: ResolvedReference; root: ResolvedReference; rootLine: number } | undefined {
  const final = model.stages[model.finalStage];
  const root = model.stages[model.finalChain[0] ?? -1];
  if (!final || !root) return undefined;
  return { line: final.line, base: final.base, root: root.base, rootLine: root.line };
}

/**
 * The definition that gives a variable its value in the final image: the last ENV (or ARG) of that name in
 * the stages the final image is made of; undefined when the Dockerfile does not set it (the base image does).
 */
export function definitionOf(model: DockerfileModel, kind: 'ENV' | 'ARG', name: string): VariableDefinition | undefined {
  const stages = new Set(model.finalChain);
  let found: VariableDefinition | undefined;
  for (const definition of model.variables) {
    if (definition.kind === kind && definition.name === name && stages.has(definition.stage)) found = definition;
  }
  return found;
}

/** Whether a pragma above the instruction on `line` silences `rule` there (for findings located on a line). */
export function isSilenced(model: DockerfileModel, rule: RuleId, line: number): boolean {
  return model.pragmas.get(line)?.rules.includes(rule) ?? false;
}
