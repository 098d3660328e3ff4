import { parseReference } from '../../reference.js';
import type { ImageRule } from '../context.js';
import { defaultSeverity } from '../catalog.js';
import type { Finding } from '../types.js';

/** latest-tag for the audited reference itself (a Dockerfile's references are checked by the Dockerfile rules). */
export const auditedReferenceTag: ImageRule = ({ analysis, policy }) => {
  const ref = analysis.image.ref;
  if (ref.startsWith('sha256:')) return []; // an image id: nothing to pin
  const parsed = parseReference(ref);
  if (!parsed || parsed.digest) return [];
  if (parsed.tag !== undefined && parsed.tag !== 'latest') return [];
  return [
    {
      rule: 'latest-tag',
      severity: defaultSeverity('latest-tag'),
      message: `The audited image \`${ref}\` ${parsed.tag ? 'is tagged latest' : 'has no tag (so latest)'}, which moves. Tag it with a version (and deploy it by digest).`,
    },
  ];
};

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';

/** Without a Dockerfile, the base is known only from OCI annotations or labels; say what could not be checked. */
export const unpinnedBaseFromImage: ImageRule = ({ analysis, hasDockerfile }) => {
  if (hasDockerfile) return [];
  const labels = { ...(analysis.config.config?.Labels ?? {}), ...(analysis.image.annotations ?? {}) };
  const name = labels[BASE_NAME];
  const digest = labels[BASE_DIGEST];
  if (name && digest) return [];
  const message = name
    ? `The image records its base as \`${name}\` (${BASE_NAME}) without ${BASE_DIGEST}: it cannot be told whether the base was pinned. Audit with --dockerfile to check the FROM lines.`
    : `The base image could not be checked: no Dockerfile was given and the image has no ${BASE_NAME} / ${BASE_DIGEST} annotations. Audit with --dockerfile to check the FROM lines.`;
  return [{ rule: 'unpinned-base', severity: 'note', message }];
};
