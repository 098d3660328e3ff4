import { baseLayerCount } from '../analysis/base-layers.js';
import type { Analysis } from '../analysis/analyze.js';
import type { CheckResult } from '../check.js';
import type { MarkdownInput, SourceLinks } from './comment-parts.js';
import type { JsonReport } from './json.js';

/**
 * Where Dockerfile lines link to, from the variables the Actions runner sets: the file at the commit being
 * checked (a pull request's head, else GITHUB_SHA). Undefined outside Actions.
 */
export function sourceLinksFromEnv(env: NodeJS.ProcessEnv, headSha?: string): SourceLinks | undefined {
  const { GITHUB_SERVER_URL: serverUrl, GITHUB_REPOSITORY: repository, GITHUB_SHA, GITHUB_WORKSPACE } = env;
  const sha = headSha ?? GITHUB_SHA;
  if (!serverUrl || !repository || !sha || !/^[\w.-]+\/[\w.-]+$/.test(repository)) return undefined;
  return { serverUrl, repository, sha, root: GITHUB_WORKSPACE ?? process.cwd() };
}

/** Everything the comment is drawn from, as every face builds it: the report, the base layers, the links. */
export function commentInput(header: string, report: JsonReport, analysis: Analysis, result: Pick<CheckResult, 'mapsToInstruction'>, source?: SourceLinks): MarkdownInput {
  const input: MarkdownInput = { header, report, baseLayers: baseLayerCount(analysis, result.mapsToInstruction) };
  if (source) input.source = source;
  return input;
}
