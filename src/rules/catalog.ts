import type { RuleId, RuleInfo } from './types.js';

export const RULES: readonly RuleInfo[] = [
  {
    id: 'latest-tag',
    defaultSeverity: 'error',
    title: 'Image reference uses the latest tag or no tag',
    help: '`latest` (or no tag, which means latest) moves: the same Dockerfile builds a different image tomorrow. Name a version tag, and pin it by digest.',
    securitySeverity: 5.0,
  },
  {
    id: 'unpinned-base',
    defaultSeverity: 'error',
    title: 'Base image is not pinned by digest',
    help: 'A tag can be re-pointed to other content; a digest cannot. Write `FROM name:tag@sha256:<digest>` (the message gives the exact line when the digest can be resolved) and let a bot such as Renovate or Dependabot update it.',
    securitySeverity: 6.0,
  },
  {
    id: 'hidden-waste',
    defaultSeverity: 'error',
    title: 'Image ships bytes that later layers hide',
    help: 'Files written by one layer and deleted, overwritten (even by chmod) or hidden by a later layer still ship. Clean up in the same RUN that created the files (`apt-get install … && rm -rf /var/lib/apt/lists/*`), or build in one stage and copy the result into a clean final stage.',
    securitySeverity: 2.0,
  },
  {
    id: 'extra-tool',
    defaultSeverity: 'error',
    title: 'Network or remote-access tool in the final image',
    help: 'Tools such as curl, wget, git, netcat or ssh in a runtime image help an attacker download and run code. Use them in a build stage only, or remove them in the same RUN that needed them.',
    securitySeverity: 5.5,
  },
  {
    id: 'root-user',
    defaultSeverity: 'warning',
    title: 'Container runs as root',
    help: 'Without a USER instruction (or with USER root / 0) the process runs as root inside the container. Add a non-root user and `USER <name>` at the end of the Dockerfile.',
    securitySeverity: 4.0,
  },
  {
    id: 'package-cache',
    defaultSeverity: 'warning',
    title: 'Package manager cache left in the image',
    help: 'apt lists, apk caches and pip/npm caches are only needed while installing. Remove them in the same RUN (`rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install --no-cache-dir`, `npm cache clean --force`).',
    securitySeverity: 1.0,
  },
  {
    id: 'secret-in-env',
    defaultSeverity: 'warning',
    title: 'Secret-looking variable baked into the image',
    help: 'ENV and ARG values are stored in the image config and history, readable by anyone who can pull the image. Pass secrets at build time with `RUN --mount=type=secret` and at run time through the environment or a secret store.',
    securitySeverity: 8.0,
  },
  {
    id: 'apt-update-alone',
    defaultSeverity: 'warning',
    title: 'Package index refreshed in a RUN that installs nothing',
    help: 'A RUN that only refreshes package indexes (`apt-get update`, `apk update`, `dnf makecache`, `zypper refresh`) makes a layer of its own, which the build cache keeps: a later `RUN apt-get install …` then installs from lists as old as that cache. Refresh and install in one RUN (`RUN apt-get update && apt-get install -y … && rm -rf /var/lib/apt/lists/*`), or use `apk add --no-cache`, which needs no refresh.',
    securitySeverity: 3.0,
  },
  {
    id: 'config',
    defaultSeverity: 'warning',
    title: 'Pragma or policy file that silences nothing',
    help: 'An inline pragma (`# image-hygiene ignore=<rule>`) or a `rules:` key of `.image-hygiene.yml` names a rule that does not exist, or a pragma is not on the line directly above an instruction: it has no effect, and the rule it was meant for still runs. Fix the name (the message suggests the closest one) or move the pragma.',
    securitySeverity: 1.0,
  },
];

export function ruleInfo(id: RuleId): RuleInfo {
  return RULES.find((rule) => rule.id === id)!;
}

export const RULE_IDS = RULES.map((rule) => rule.id) as readonly RuleId[];

export function defaultSeverity(id: RuleId): RuleInfo['defaultSeverity'] {
  return ruleInfo(id).defaultSeverity;
}
