/** `root-user` from the Dockerfile alone: the final image's effective USER, following `FROM <stage>` chains. */
import { isRootUser } from '../../rules/users.js';
import type { DockerfileModel } from '../model.js';
import type { DockerfileRuleContext } from './context.js';

const FIX = 'Create a non-root user and end the Dockerfile with `USER <name>`.';

/** The USER the final image runs as, as far as the Dockerfile tells, with the line to point at. */
export interface FinalUser {
  /** `user`: the last USER of the final image's stages; `scratch`: no USER on scratch (root); `base`: no USER, the base image's. */
  source: 'user' | 'scratch' | 'base';
  /** The USER instruction's line, or the final stage's FROM line. */
  line: number;
  /** The USER as written and resolved (source `user`); undefined `resolved` when it cannot be known. */
  written?: string;
  resolved?: string;
  /** The base image, as written and resolved (source `base`). */
  base?: string;
}

export function finalUser(model: DockerfileModel): FinalUser | undefined {
  const last = model.users.at(-1);
  if (last) return { source: 'user', line: last.line, written: last.user, ...(last.resolved !== undefined ? { resolved: last.resolved } : {}) };
  const final = model.stages[model.finalStage];
  const root = model.stages[model.finalChain[0] ?? -1];
  if (!final || !root) return undefined;
  if (root.base.target === 'scratch') return { source: 'scratch', line: final.line };
  return { source: 'base', line: final.line, base: root.base.resolved ?? root.baseRaw };
}

export function rootUserFindings(context: DockerfileRuleContext): void {
  const user = finalUser(context.model);
  if (!user) return;
  if (user.source === 'scratch') {
    context.add('root-user', 'warning', `The final image is built on scratch and sets no USER, so its process runs as root (uid 0). ${FIX}`, user.line);
  } else if (user.source === 'base') {
    context.add(
      'root-user',
      'note',
      `The final stage sets no USER, so the image runs as the user of its base image \`${user.base}\`, which lint cannot see (many images run as root). ${FIX} Or audit the image to check it.`,
      user.line,
    );
  } else if (user.resolved === undefined) {
    context.add('root-user', 'note', `\`USER ${user.written}\` could not be resolved, so lint cannot tell whether the image runs as root; give its variables values, or audit the image.`, user.line);
  } else if (isRootUser(user.resolved)) {
    const shown = user.resolved === user.written ? `\`USER ${user.written}\`` : `\`USER ${user.written}\` (\`${user.resolved}\`)`;
    context.add('root-user', 'warning', `The final image ends with ${shown}, so its process runs as root. ${FIX}`, user.line);
  }
}
