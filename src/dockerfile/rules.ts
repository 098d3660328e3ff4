import type { Finding, RuleId } from '../rules/types.js';
import type { DockerfileModel, ExternalReference, Instruction } from './parse.js';
import type { UnresolvedVariable } from './expand.js';
import { splitFlags } from './parse.js';
import { globToRegex } from '../rules/glob.js';

export type { DockerfileModel } from './parse.js';

export interface DockerfileRuleOptions {
  /**
   * Glob patterns of references allowed to stay unpinned (`unpinned-base` only): `*` and `?` stay within
   * one path segment, `**` crosses `/`. A pattern is tried on the reference as resolved
   * (`localhost:5000/app:1.2`), on its name without tag or digest (`localhost:5000/app`) and on the
   * normalised name (`docker.io/library/node`, with and without the tag).
   */
  allow?: string[];
  /**
   * Tells the digest a reference points to (the daemon or a registry knows); then findings carry the pinned
   * line, and say where the digest came from when the resolver tells.
   */
  resolveDigest?: (ref: string) => Promise<string | ResolvedDigest | undefined>;
}

export interface ResolvedDigest {
  digest: string;
  from: 'registry' | 'engine';
}

const DIGEST_FROM: Record<ResolvedDigest['from'], string> = {
  registry: ' (digest from the registry)',
  engine: " (digest from the local engine's RepoDigests: the registry could not be reached)",
};

const PINNED_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** `FROM node:22`, `COPY --from=busybox`, `RUN --mount=from=golang:1.22`, naming the reference as written. */
function described(reference: ExternalReference): string {
  const written =
    reference.kind === 'from' ? `FROM ${reference.raw}` : reference.kind === 'copy-from' ? `COPY --from=${reference.raw}` : `RUN --mount=from=${reference.raw}`;
  const resolved = reference.resolved !== undefined && reference.resolved !== reference.raw ? ` (\`${reference.resolved}\`)` : '';
  return `\`${written}\`${resolved}`;
}

/** Why a reference could not be resolved, and what to do about it. */
function unresolvedReason(reference: ExternalReference): string {
  if (reference.expansionUnsupported) {
    const flag = reference.kind === 'copy-from' ? '--from' : 'from=';
    return (
      `BuildKit does not expand variables in ${flag} and fails the build. Declare a global ARG, add a stage ` +
      `\`FROM \${ARG} AS <name>\` and use \`${flag === '--from' ? '--from=' : 'from='}<name>\``
    );
  }
  const parts = (reference.unresolved ?? []).map((variable: UnresolvedVariable) => {
    if (variable.why === 'no-value') {
      const where = variable.argLine !== undefined ? ` (line ${variable.argLine})` : '';
      return `ARG ${variable.name}${where} has no default value; give it one (\`ARG ${variable.name}=<value>\`) or pass \`--build-arg ${variable.name}=…\``;
    }
    const inStage = variable.argLine !== undefined ? ` (the ARG on line ${variable.argLine} is inside a stage, which FROM lines cannot see)` : '';
    return `\`${variable.name}\` is not declared by an ARG before the first FROM${inStage}, so it expands to an empty string; declare \`ARG ${variable.name}=<value>\` above the first FROM`;
  });
  return parts.join('; ');
}

function isAllowed(reference: ExternalReference, patterns: RegExp[]): boolean {
  const image = reference.image;
  if (!image || reference.resolved === undefined) return false;
  const written = reference.resolved.replace(/@.*$/, '');
  const name = written.replace(/:[^/:]*$/, '');
  const repository = image.registry === 'docker.io' && !image.repository.includes('/') ? `library/${image.repository}` : image.repository;
  const canonical = `${image.registry}/${repository}`;
  const forms = [reference.resolved, written, name, canonical];
  if (image.tag !== undefined) forms.push(`${canonical}:${image.tag}`);
  return patterns.some((pattern) => forms.some((form) => pattern.test(form)));
}

/** The instruction with the reference replaced by its pinned form, ready to paste. */
function pinnedLine(reference: ExternalReference, instruction: Instruction | undefined, digest: string): string {
  const pinned = `${reference.resolved!.replace(/@.*$/, '')}@${digest}`;
  if (reference.arg) return `ARG ${reference.arg.name}=${pinned}`;
  const logical = instruction?.args.split('\n')[0] ?? '';
  const { flags, rest } = splitFlags(logical);
  if (reference.kind === 'from') {
    const words = rest.split(/\s+/).filter((word) => word !== '');
    words[0] = pinned;
    return ['FROM', ...flags, ...words].join(' ');
  }
  const replaced = flags.map((flag) => {
    if (reference.kind === 'copy-from' && /^--from=/i.test(flag)) return `--from=${pinned}`;
    if (reference.kind === 'mount-from' && /^--mount=/i.test(flag)) {
      return flag.replace(/(^--mount=|,)(from=)([^,]*)/i, (whole, before: string, key: string, value: string) => (value === reference.raw ? `${before}${key}${pinned}` : whole));
    }
    return flag;
  });
  return [instruction?.keyword ?? (reference.kind === 'copy-from' ? 'COPY' : 'RUN'), ...replaced, rest].join(' ');
}

/**
 * The Dockerfile findings of `latest-tag` and `unpinned-base`, with default severities (an unresolved
 * reference gives a `latest-tag` warning and an `unpinned-base` note), pragmas applied, sorted by line.
 */
export async function dockerfileFindings(model: DockerfileModel, options: DockerfileRuleOptions = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  const allow = (options.allow ?? []).map(globToRegex);
  const digests = new Map<string, Promise<{ digest: string; from?: ResolvedDigest['from'] } | undefined>>();
  const lookupDigest = (ref: string): Promise<{ digest: string; from?: ResolvedDigest['from'] } | undefined> => {
    let pending = digests.get(ref);
    if (!pending) {
      const resolver = options.resolveDigest!;
      pending = resolver(ref).then(
        (answer) => {
          if (answer === undefined) return undefined;
          const digest = typeof answer === 'string' ? answer : answer.digest;
          const canonical = /^[a-f0-9]{64}$/.test(digest) ? `sha256:${digest}` : digest;
          if (!PINNED_DIGEST.test(canonical)) return undefined;
          return typeof answer === 'string' ? { digest: canonical } : { digest: canonical, from: answer.from };
        },
        () => undefined,
      );
      digests.set(ref, pending);
    }
    return pending;
  };
  const instructionAt = (line: number): Instruction | undefined => model.instructions.find((instruction) => instruction.line === line);

  const add = (rule: RuleId, severity: Finding['severity'], message: string, line: number): void => {
    if (model.pragmas.get(line)?.rules.includes(rule)) return;
    findings.push({ rule, severity, message, location: { path: model.path, line } });
  };

  for (const reference of model.references) {
    const what = described(reference);
    if (reference.resolved === undefined) {
      const reason = unresolvedReason(reference);
      add('latest-tag', 'warning', `${what} could not be checked for a \`latest\` tag: ${reason}.`, reference.line);
      add('unpinned-base', 'note', `${what} could not be checked for a digest pin: ${reason}.`, reference.line);
      continue;
    }
    const image = reference.image;
    if (!image) {
      add('latest-tag', 'warning', `${what} is not a valid image reference, so its tag could not be checked; write it as \`[registry/]name:tag[@sha256:digest]\` in lower case.`, reference.line);
      continue;
    }
    const name = reference.resolved.replace(/@.*$/, '').replace(/:[^/:]*$/, '');

    // latest-tag: a digest pins the content whatever the tag says.
    if (image.digest === undefined && (image.tag === undefined || image.tag === 'latest')) {
      const problem = image.tag === undefined ? `has no tag, so it means \`${name}:latest\`` : 'uses the `latest` tag';
      add(
        'latest-tag',
        'error',
        `${what} ${problem}, which moves whenever a new version is pushed. Name a version tag (\`${name}:<version>\`) and pin it by digest.`,
        reference.line,
      );
    }

    // unpinned-base
    if (image.digest !== undefined && PINNED_DIGEST.test(image.digest)) continue;
    if (isAllowed(reference, allow)) continue;
    const resolved = options.resolveDigest ? await lookupDigest(reference.resolved) : undefined;
    const instruction = instructionAt(reference.line);
    const fix =
      resolved !== undefined
        ? ` Pin it by digest${reference.arg ? ` on line ${reference.arg.line}` : ''}: \`${pinnedLine(reference, instruction, resolved.digest)}\`${resolved.from ? DIGEST_FROM[resolved.from] : ''}`
        : ` Pin it by digest: \`${reference.resolved.replace(/@.*$/, '')}@sha256:<digest>\` (\`docker buildx imagetools inspect ${reference.resolved.replace(/@.*$/, '')}\` shows it).`;
    const current = image.digest !== undefined ? ` (\`@${image.digest}\` is not a full sha256 digest)` : '';
    add('unpinned-base', 'error', `${what} is not pinned by digest${current}, so the same reference can pull different content tomorrow.${fix}`, reference.line);
  }

  const order: Record<string, number> = { 'latest-tag': 0, 'unpinned-base': 1 };
  return findings.sort((a, b) => a.location!.line - b.location!.line || (order[a.rule] ?? 9) - (order[b.rule] ?? 9));
}
