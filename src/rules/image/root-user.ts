import type { ImageRule } from '../context.js';
import { defaultSeverity } from '../catalog.js';
import type { Finding } from '../types.js';

function isRoot(user: string | undefined): boolean {
  if (user === undefined || user.trim() === '') return true;
  const name = user.split(':')[0]!.trim();
  return name === 'root' || name === '0';
}

export const rootUser: ImageRule = ({ analysis, policy, locateLayer }) => {
  const user = analysis.config.config?.User;
  if (!isRoot(user)) return [];
  const finding: Finding = {
    rule: 'root-user',
    severity: defaultSeverity('root-user'),
    message:
      user === undefined || user.trim() === ''
        ? 'The image sets no USER, so its process runs as root. Create a non-root user and end the Dockerfile with `USER <name>`.'
        : `The image runs as ${user}. Create a non-root user and end the Dockerfile with \`USER <name>\`.`,
  };
  const location = locateLayer(analysis.layers.length - 1);
  if (location) finding.location = location;
  return [finding];
};
