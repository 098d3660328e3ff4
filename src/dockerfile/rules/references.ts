/** `latest-tag` and `unpinned-base` over the Dockerfile's external references (FROM, --from, from=, # syntax=). */
import { compileGlob } from '../../rules/glob.js';
import type { ExternalReference, Instruction, UnresolvedVariable } from '../model.js';
import type { DockerfileRuleContext } from './context.js';

/** A digest and where it came from: the registry (a manifest HEAD), or the local engine's RepoDigests. */
export interface ResolvedDigest {
  digest: string;
  from: 'registry' | 'engine';
}

export type DigestResolver = (ref: string) => Promise<string | ResolvedDigest | undefined>;

export interface ReferenceRuleOptions {
  /** Glob patterns of references allowed to stay unpinned (see DockerfileRuleOptions). */
  allow?: string[];
  resolveDigest?: DigestResolver;
}

const PINNED_DIGEST = /^sha256:[a-f0-9]{64}$/;

const DIGEST_FROM: Record<ResolvedDigest['from'], string> = {
  registry: ' (digest from the registry)',
  engine: " (digest from the local engine's RepoDigests: the registry could not be reached)",
};

/** `FROM node:22`, `COPY --from=busybox`, `RUN --mount=from=golang:1.22`, `# syntax=…`, naming the reference as written. */
function described(reference: ExternalReference): string {
  const written = {
    from: `FROM ${reference.raw}`,
    'copy-from': `COPY --from=${reference.raw}`,
    'mount-from': `RUN --mount=from=${reference.raw}`,
    syntax: `# syntax=${reference.raw}`,
  }[reference.kind];
  const resolved = reference.resolved !== undefined && reference.resolved !== reference.raw ? ` (\`${reference.resolved}\`)` : '';
  const role = reference.kind === 'syntax' ? ' (the frontend image BuildKit pulls to read this Dockerfile)' : '';
  return `\`${written}\`${resolved}${role}`;
}

function emptiedExplanation(reference: ExternalReference): string {
  return (reference.emptied ?? [])
    .map(({ name, stageArgLine }) => {
      const inStage = stageArgLine !== undefined ? ` (the ARG on line ${stageArgLine} is inside a stage, which FROM lines cannot see)` : '';
      return `\`${name}\` is not declared by an ARG before the first FROM${inStage}, so BuildKit expands it to an empty string`;
    })
    .join('; ');
}

function variableReason(variable: UnresolvedVariable): string {
  const where = variable.argLine !== undefined ? ` (line ${variable.argLine})` : '';
  if (variable.why === 'no-value') {
    return `ARG ${variable.name}${where} has no default value; give it one (\`ARG ${variable.name}=<value>\`) or pass \`--build-arg ${variable.name}=…\``;
  }
  if (variable.why === 'error') return `BuildKit fails to expand ARG ${variable.name}${where}: ${variable.message}`;
  return `\`${variable.name}\` is not declared in the Dockerfile, so it is whatever the base image's ENV says`;
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
  if (reference.expansionError !== undefined) {
    const emptied = emptiedExplanation(reference);
    return `BuildKit fails the build on it (${reference.expansionError})${emptied !== '' ? `: ${emptied}; declare the ARG with a value above the first FROM` : ''}`;
  }
  return (reference.unresolved ?? []).map(variableReason).join('; ');
}

function isAllowed(reference: ExternalReference, patterns: Array<(text: string) => boolean>): boolean {
  const image = reference.image;
  if (!image || reference.resolved === undefined) return false;
  const written = reference.resolved.replace(/@.*$/, '');
  const name = written.replace(/:[^/:]*$/, '');
  const repository = image.registry === 'docker.io' && !image.repository.includes('/') ? `library/${image.repository}` : image.repository;
  const canonical = `${image.registry}/${repository}`;
  const forms = [reference.resolved, written, name, canonical];
  if (image.tag !== undefined) forms.push(`${canonical}:${image.tag}`);
  return patterns.some((matches) => forms.some((form) => matches(form)));
}

/** Leading `--flag[=value]` words as written (quotes kept), and the rest. */
function writtenFlags(logical: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < logical.length && /\s/.test(logical[pos]!)) pos++;
    if (!logical.startsWith('--', pos)) break;
    let word = '';
    let quote: string | undefined;
    while (pos < logical.length) {
      const ch = logical[pos]!;
      if (quote === undefined && /\s/.test(ch)) break;
      if (quote === undefined && (ch === '"' || ch === "'")) quote = ch;
      else if (ch === quote) quote = undefined;
      word += ch;
      pos++;
    }
    flags.push(word);
  }
  return { flags, rest: logical.slice(pos).trim() };
}

/** The line to paste: the instruction (or the ARG, or the directive) with `pinned` in place of the reference. */
function pinnedLine(reference: ExternalReference, instruction: Instruction | undefined, pinned: string): string {
  if (reference.kind === 'syntax') return `# syntax=${pinned}`;
  if (reference.arg) return `ARG ${reference.arg.name}=${pinned}`;
  const logical = instruction?.args.split('\n')[0] ?? '';
  const { flags, rest } = writtenFlags(logical);
  if (reference.kind === 'from') {
    const words = rest.split(/\s+/).filter((word) => word !== '');
    words[0] = pinned;
    return ['FROM', ...flags, ...words].join(' ');
  }
  const replaced = flags.map((flag) => {
    if (reference.kind === 'copy-from' && /^--from=/.test(flag)) return `--from=${pinned}`;
    if (reference.kind === 'mount-from' && /^--mount=/.test(flag)) {
      return flag.replace(/(^--mount=|,)(from=)([^,]*)/i, (whole, before: string, key: string, value: string) => (value === reference.raw ? `${before}${key}${pinned}` : whole));
    }
    return flag;
  });
  return [instruction?.keyword ?? (reference.kind === 'copy-from' ? 'COPY' : 'RUN'), ...replaced, rest].join(' ');
}

type Pin = { digest: string; from?: ResolvedDigest['from'] };

/** One answer per reference, only full sha256 digests (a bare hex one made canonical); a failing resolver is no answer. */
function digestLookup(resolveDigest: DigestResolver): (ref: string) => Promise<Pin | undefined> {
  const digests = new Map<string, Promise<Pin | undefined>>();
  return (ref) => {
    let pending = digests.get(ref);
    if (!pending) {
      pending = resolveDigest(ref).then(
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
}

function unresolvedFindings(context: DockerfileRuleContext, reference: ExternalReference): void {
  const what = described(reference);
  const reason = unresolvedReason(reference);
  context.add('latest-tag', 'warning', `${what} could not be checked for a \`latest\` tag: ${reason}.`, reference.line);
  context.add('unpinned-base', 'note', `${what} could not be checked for a digest pin: ${reason}.`, reference.line);
}

/**
 * The findings of `latest-tag` and `unpinned-base`, with default severities (an unresolved reference gives
 * a `latest-tag` warning and an `unpinned-base` note). A reference on `latest` or no tag gets one fix from
 * both rules: a version tag pinned by digest.
 */
export async function referenceFindings(context: DockerfileRuleContext, options: ReferenceRuleOptions): Promise<void> {
  const allow = (options.allow ?? []).map(compileGlob);
  const lookupDigest = options.resolveDigest ? digestLookup(options.resolveDigest) : undefined;
  for (const reference of context.model.references) {
    if (reference.resolved === undefined) {
      unresolvedFindings(context, reference);
      continue;
    }
    const what = described(reference);
    if (reference.emptied?.length) {
      context.add('latest-tag', 'note', `${what}: ${emptiedExplanation(reference)}. Declare \`ARG <name>=<value>\` above the first FROM if a value is meant.`, reference.line);
    }
    const image = reference.image;
    if (!image) {
      context.add('latest-tag', 'warning', `${what} is not a valid image reference, so its tag could not be checked; write it as \`[registry/]name:tag[@sha256:digest]\` in lower case.`, reference.line);
      continue;
    }
    const name = reference.resolved.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
    const instruction = context.instructionAt(reference.line);
    const onArgLine = reference.arg ? ` on line ${reference.arg.line}` : '';
    const floating = image.digest === undefined && (image.tag === undefined || image.tag === 'latest');
    const versionFix = `\`${pinnedLine(reference, instruction, `${name}:<version>@sha256:<digest>`)}\`${onArgLine}`;
    if (floating) {
      const problem = image.tag === undefined ? `has no tag, so it means \`${name}:latest\`` : 'uses the `latest` tag';
      context.add('latest-tag', 'error', `${what} ${problem}, which moves whenever a new version is pushed. Name a version and pin it by digest: ${versionFix}.`, reference.line);
    }
    if (image.digest !== undefined && PINNED_DIGEST.test(image.digest)) continue;
    if (isAllowed(reference, allow)) continue;
    const current = image.digest !== undefined ? ` (\`@${image.digest}\` is not a full sha256 digest)` : '';
    const problem = `${what} is not pinned by digest${current}, so the same reference can pull different content tomorrow.`;
    if (floating) {
      context.add('unpinned-base', 'error', `${problem} Name a version and pin it by digest: ${versionFix} (\`docker buildx imagetools inspect ${name}:<version>\` shows the digest).`, reference.line);
      continue;
    }
    const bare = reference.resolved.replace(/@.*$/, '');
    const pin = lookupDigest ? await lookupDigest(reference.resolved) : undefined;
    const fix =
      pin !== undefined
        ? `Pin it by digest${onArgLine}: \`${pinnedLine(reference, instruction, `${bare}@${pin.digest}`)}\`${pin.from ? DIGEST_FROM[pin.from] : ''}`
        : `Pin it by digest: \`${reference.kind === 'syntax' ? `# syntax=${bare}` : bare}@sha256:<digest>\` (\`docker buildx imagetools inspect ${bare}\` shows it).`;
    context.add('unpinned-base', 'error', `${problem} ${fix}`, reference.line);
  }
}
