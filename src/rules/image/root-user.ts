import type { ImageRule } from '../context.js';
import { defaultSeverity } from '../catalog.js';
import type { Finding } from '../types.js';

function isRoot(user: string | undefined): boolean {
  if (user === undefined || user.trim() === '') return true;
  const name = user.split(':')[0]!.trim();
  return name === 'root' || name === '0';
}

export const rootUser: ImageRule = ({ analysis, locateLayer, dockerfileLines }) => {
  const user = analysis.config.config?.User;
  if (!isRoot(user)) return [];
  const finding: Finding = {
    rule: 'root-user',
    severity: defaultSeverity('root-user'),
    message:
      user === undefined || user.trim() === ''
        ? 'The image sets no USER, so its process runs as root. Create a non-root user and end the Dockerfile with `USER <name>`.'
        : `The image runs as \`${user}\`. Create a non-root user and end the Dockerfile with \`USER <name>\`.`,
  };
  // The USER that chose root; without one, where a USER belongs: after the last instruction, else the FROM.
  const location = dockerfileLines.user ?? locateLayer(analysis.layers.length - 1) ?? dockerfileLines.base;
  if (location) finding.location = location;
  return [finding];
};
