import { bakedSecrets } from '../../analysis/secrets.js';
import type { ImageRule } from '../context.js';
import { defaultSeverity } from '../catalog.js';
import type { Finding } from '../types.js';

export const secretInEnv: ImageRule = ({ analysis }) =>
  bakedSecrets(analysis.config).map(
    (secret): Finding => ({
      rule: 'secret-in-env',
      severity: defaultSeverity('secret-in-env'),
      message:
        secret.kind === 'ENV'
          ? `ENV \`${secret.name}\` holds a value (masked) in the image config, readable by anyone who can pull the image. Pass it at run time instead, or use RUN --mount=type=secret while building.`
          : `Build argument \`${secret.name}\` was recorded with its value (masked) in the image history. Use RUN --mount=type=secret for secrets needed at build time.`,
    }),
  );
