import { getOctokit } from '@actions/github';
import { classifyGitHubError, describeGitHubFailure, type GitHubFailure } from './github-errors.js';
import { withRetries, type RetryPolicy } from './github-retries.js';

type Octokit = ReturnType<typeof getOctokit>;

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

export type CommentOutcome =
  | { status: 'created' | 'updated'; id: number; url: string }
  /** Never thrown: the verdict still stands; `cause` is one line (`GitHub answered 401 Bad credentials`). */
  | { status: 'failed'; cause: string; failure: GitHubFailure };

/** Who the token posts as. */
export interface Identity {
  login: string;
  type: string;
}

/**
 * A GITHUB_TOKEN (an installation token of the GitHub Actions app) may not read /user: GitHub answers 403,
 * and its comments are by this bot. A personal access token reads /user and posts as its user.
 */
export const ACTIONS_BOT: Identity = { login: 'github-actions[bot]', type: 'Bot' };

/** The REST client, with every request abandoned after the policy's timeout (octokit waits forever by default). */
export function commentClient(token: string, apiUrl: string, policy: RetryPolicy): Octokit {
  const octokit = getOctokit(token, { baseUrl: apiUrl });
  octokit.hook.wrap('request', (request, options) => {
    const left = Math.min(policy.requestTimeoutSeconds * 1000, policy.deadline - Date.now());
    // In place: the wrapped request reads the options object the hook was given, not a copy passed to it.
    options.request = { ...options.request, signal: AbortSignal.timeout(Math.max(1, left)) };
    return request(options);
  });
  return octokit;
}

async function tokenIdentity(octokit: Octokit, policy: RetryPolicy, log: (message: string) => void): Promise<Identity> {
  try {
    const { data } = await withRetries(() => octokit.rest.users.getAuthenticated(), policy, log);
    return { login: data.login, type: data.type };
  } catch (error) {
    const failure = classifyGitHubError(error, policy.requestTimeoutSeconds);
    if (failure.kind === 'answer' && failure.status === 403) return ACTIONS_BOT;
    throw error;
  }
}

interface ListedComment {
  id: number;
  body?: string | undefined;
  user?: { login: string; type: string } | null | undefined;
}

/** Ours: the body starts with our marker and the token's identity wrote it. Quoting the marker is not enough. */
export function isOurComment(comment: ListedComment, marker: string, identity: Identity): boolean {
  return comment.body?.startsWith(marker) === true && comment.user?.login === identity.login && comment.user.type === identity.type;
}

async function writeComment(
  octokit: Octokit,
  pr: PullRequestRef,
  existing: number | undefined,
  body: (limit: number) => string,
  policy: RetryPolicy,
  log: (message: string) => void,
): Promise<CommentOutcome> {
  let limit = 65_536;
  for (let shortened = false; ; shortened = true) {
    try {
      const { data } = existing !== undefined
        ? await withRetries(() => octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: existing, body: body(limit) }), policy, log)
        : await withRetries(() => octokit.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body: body(limit) }), policy, log);
      return { status: existing !== undefined ? 'updated' : 'created', id: data.id, url: data.html_url };
    } catch (error) {
      const failure = classifyGitHubError(error, policy.requestTimeoutSeconds);
      // 422 "body is too long": GitHub counts differently from us (e.g. in bytes); try once with half the room.
      if (failure.kind !== 'answer' || failure.status !== 422 || shortened) throw error;
      limit = Math.floor(limit / 2);
      log(`GitHub refused the comment as too long; retrying with at most ${limit} characters`);
    }
  }
}

/**
 * Create the comment, or update the one this action left before: the first whose body starts with `marker`
 * and whose author is the token's identity. Never throws: any failure is returned with its cause in one line.
 */
export async function upsertComment(
  octokit: Octokit,
  pr: PullRequestRef,
  marker: string,
  body: (limit: number) => string,
  options: { policy: RetryPolicy; apiUrl: string; log: (message: string) => void },
): Promise<CommentOutcome> {
  const { policy, log } = options;
  try {
    const identity = await tokenIdentity(octokit, policy, log);
    const comments = await withRetries(
      () => octokit.paginate(octokit.rest.issues.listComments, { owner: pr.owner, repo: pr.repo, issue_number: pr.number, per_page: 100 }),
      policy,
      log,
    );
    const ours = comments.find((comment) => isOurComment(comment, marker, identity));
    return await writeComment(octokit, pr, ours?.id, body, policy, log);
  } catch (error) {
    const failure = classifyGitHubError(error, policy.requestTimeoutSeconds);
    return { status: 'failed', cause: describeGitHubFailure(failure, options.apiUrl), failure };
  }
}
