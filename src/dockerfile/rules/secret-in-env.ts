/**
 * `secret-in-env` from the Dockerfile alone: ENV values and ARG defaults with secret-looking names (the
 * image rule's test, `looksLikeSecretName`) that the final image keeps — ENV in its config, ARG in its
 * history (`ARG NAME=value`) — in the stages the final image is made of. Values are never printed.
 */
import { looksLikeSecretName } from '../../analysis/secrets.js';
import type { VariableDefinition } from '../model.js';
import type { DockerfileRuleContext } from './context.js';

const RUN_TIME = 'Pass it at run time instead, or use `RUN --mount=type=secret` while building.';

/** A literal, non-empty value written in the Dockerfile. */
function hardCoded(definition: VariableDefinition | undefined): boolean {
  return definition !== undefined && !definition.usesVariables && definition.value !== undefined && definition.value !== '';
}

function message(definition: VariableDefinition): string | undefined {
  const { kind, name } = definition;
  if (kind === 'ENV') {
    if (hardCoded(definition)) return `ENV ${name} hard-codes a value (not shown) into the image config, readable by anyone who can pull the image. ${RUN_TIME}`;
    if (definition.usesVariables && definition.value !== '') {
      return `ENV ${name} copies \`${definition.written}\` into the image config: whatever value the build is given is readable by anyone who can pull the image. ${RUN_TIME}`;
    }
    return undefined;
  }
  if (hardCoded(definition)) return `ARG ${name} has a hard-coded default (not shown), which the image history records (\`ARG ${name}=…\`). Use \`RUN --mount=type=secret\` for secrets needed at build time.`;
  if (definition.written === undefined && hardCoded(definition.inherited)) {
    return `ARG ${name} brings in the hard-coded default of the global ARG on line ${definition.inherited!.line} (not shown), which the image history records. Use \`RUN --mount=type=secret\` for secrets needed at build time.`;
  }
  return undefined;
}

export function secretFindings(context: DockerfileRuleContext): void {
  const final = new Set(context.model.finalChain);
  for (const definition of context.model.variables) {
    if (!final.has(definition.stage) || !looksLikeSecretName(definition.name)) continue;
    const text = message(definition);
    if (text !== undefined) context.add('secret-in-env', 'warning', text, definition.line);
  }
}
