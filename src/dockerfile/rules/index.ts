/**
 * The rules a Dockerfile decides: `latest-tag` and `unpinned-base` over its references, `apt-update-alone`
 * over its RUNs, `config` for pragmas that silence nothing, and — when there is no image to ask
 * (`lint`) — `root-user` and `secret-in-env` from its USER, ENV and ARG instructions.
 */
import type { Finding } from '../../rules/types.js';
import type { DockerfileModel } from '../model.js';
import { aptUpdateAloneFindings } from './apt-update-alone.js';
import { ruleContext } from './context.js';
import { referenceFindings, type DigestResolver } from './references.js';
import { rootUserFindings } from './root-user.js';
import { secretFindings } from './secret-in-env.js';

export { finalUser, type FinalUser } from './root-user.js';
export type { DigestResolver, ResolvedDigest } from './references.js';

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
  resolveDigest?: DigestResolver;
  /**
   * No image is audited (`lint`): also decide `root-user` and `secret-in-env` from the Dockerfile. With an
   * image, those rules read the image itself.
   */
  standalone?: boolean;
}

const ORDER: Record<string, number> = { 'latest-tag': 0, 'unpinned-base': 1 };

/** Every Dockerfile finding at default severities, pragmas applied, sorted by line. */
export async function dockerfileFindings(model: DockerfileModel, options: DockerfileRuleOptions = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  const context = ruleContext(model, findings);
  await referenceFindings(context, options);
  aptUpdateAloneFindings(context);
  if (options.standalone) {
    rootUserFindings(context);
    secretFindings(context);
  }
  for (const problem of model.pragmaProblems) {
    findings.push({ rule: 'config', severity: 'warning', message: problem.message, location: { path: model.path, line: problem.line } });
  }
  return findings.sort((a, b) => a.location!.line - b.location!.line || (ORDER[a.rule] ?? 9) - (ORDER[b.rule] ?? 9));
}
