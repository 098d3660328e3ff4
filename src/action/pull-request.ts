import * as core from '@actions/core';
import { context } from '@actions/github';
import { describeError } from '../errors.js';
import { renderMarkdown } from '../report/pr-markdown.js';
import { stickyCommentMarker, workflowOf } from './comment-marker.js';
import { commentClient, upsertComment, type CommentOutcome } from './github-comments.js';
import { retryPolicyFromEnv } from './github-retries.js';
import type { Audited } from './run.js';
import { visible } from '../report/safe-text.js';

function shouldComment(audited: Audited): boolean {
  const { comment } = audited.inputs;
  return comment === 'always' || (comment === 'on-failure' && audited.result.failed);
}

function warnNotCommented(outcome: Extract<CommentOutcome, { status: 'failed' }>, number: number): void {
  const { failure } = outcome;
  const readOnly = failure.kind === 'answer' && (failure.status === 403 || failure.status === 404);
  const hint = readOnly
    ? ' The token may not write to this pull request: give the job `permissions: pull-requests: write`; pull requests from forks get a read-only token (see "Fork pull requests" in the README).'
    : '';
  core.warning(visible(`Image Hygiene could not comment on pull request #${number}: ${outcome.cause}. The verdict, the outputs and the job summary stand.${hint}`));
}

/**
 * Create or update this run's sticky comment. Never throws and never changes the exit status: a failure is
 * one warning naming its cause. Resolves to the comment's id, or '' when there is none.
 */
export async function commentOnPullRequest(audited: Audited, number: number): Promise<string> {
  if (!shouldComment(audited)) return '';
  const apiUrl = process.env.GITHUB_API_URL ?? 'https://api.github.com';
  const repository = process.env.GITHUB_REPOSITORY ?? `${context.repo.owner}/${context.repo.repo}`;
  const marker = stickyCommentMarker({ repository, workflow: workflowOf(process.env), header: audited.markdown.header });
  try {
    const policy = retryPolicyFromEnv(process.env);
    const outcome = await upsertComment(
      commentClient(audited.inputs.githubToken, apiUrl, policy),
      { owner: context.repo.owner, repo: context.repo.repo, number },
      marker,
      (limit) => renderMarkdown(audited.markdown, limit - 200, marker),
      { policy, apiUrl, log: (message) => core.info(message) },
    );
    if (outcome.status === 'failed') {
      warnNotCommented(outcome, number);
      return '';
    }
    core.info(`PR comment ${outcome.status}: ${outcome.url}`);
    return String(outcome.id);
  } catch (error) {
    core.warning(visible(`Image Hygiene could not comment on pull request #${number}: ${describeError(error)}. The verdict, the outputs and the job summary stand.`));
    return '';
  }
}
