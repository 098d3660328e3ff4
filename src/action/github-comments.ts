import { getOctokit } from '@actions/github';

type Octokit = ReturnType<typeof getOctokit>;

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

export type CommentOutcome =
  | { status: 'created' | 'updated'; id: number; url: string }
  /** The token may not write (a pull request from a fork): the verdict still stands, the summary is still written. */
  | { status: 'forbidden'; message: string };

interface HttpError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

const MAX_ATTEMPTS = 4;
const MAX_WAIT_SECONDS = 60;

function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

/** Retry what GitHub asks to be retried: rate limits (primary and secondary) and its own 5xx, a bounded number of times. */
export async function withRetries<T>(call: () => Promise<T>, log: (message: string) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const err = error as HttpError;
      const headers = err.response?.headers ?? {};
      const retryAfter = Number(headers['retry-after']);
      const rateLimited =
        err.status === 429 || (err.status === 403 && (headers['retry-after'] !== undefined || /rate limit/i.test(err.message ?? '')));
      const serverError = err.status !== undefined && err.status >= 500;
      if (attempt >= MAX_ATTEMPTS || (!rateLimited && !serverError)) throw error;
      const reset = Number(headers['x-ratelimit-reset']);
      const wait = Number.isFinite(retryAfter) && retryAfter >= 0
        ? retryAfter
        : Number.isFinite(reset) && reset > 0 ? Math.max(1, reset - Date.now() / 1000) : 2 ** attempt;
      if (wait > MAX_WAIT_SECONDS) throw error;
      log(`GitHub answered ${err.status}; retrying in ${Math.ceil(wait)} s (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`);
      await sleep(wait);
    }
  }
}

async function tokenLogin(octokit: Octokit): Promise<string> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return data.login;
  } catch {
    return 'github-actions[bot]'; // GITHUB_TOKEN may not read /user; its comments are by this bot
  }
}

/** Create the comment, or update the one this action left before (found by its marker and author). */
export async function upsertComment(
  octokit: Octokit,
  pr: PullRequestRef,
  marker: string,
  body: (limit: number) => string,
  log: (message: string) => void,
): Promise<CommentOutcome> {
  try {
    const login = await tokenLogin(octokit);
    const comments = await withRetries(
      () => octokit.paginate(octokit.rest.issues.listComments, { owner: pr.owner, repo: pr.repo, issue_number: pr.number, per_page: 100 }),
      log,
    );
    const mine = comments.find((comment) => comment.body?.includes(marker) && comment.user?.login === login);
    let limit = 65_536;
    for (;;) {
      try {
        if (mine) {
          const { data } = await withRetries(
            () => octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: mine.id, body: body(limit) }),
            log,
          );
          return { status: 'updated', id: data.id, url: data.html_url };
        }
        const { data } = await withRetries(
          () => octokit.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body: body(limit) }),
          log,
        );
        return { status: 'created', id: data.id, url: data.html_url };
      } catch (error) {
        // 422 "body is too long": GitHub counts differently from us (e.g. in bytes); try once with half the room.
        if ((error as HttpError).status === 422 && limit > 30_000) {
          limit = Math.floor(limit / 2);
          log(`GitHub refused the comment as too long; retrying with at most ${limit} characters`);
          continue;
        }
        throw error;
      }
    }
  } catch (error) {
    const err = error as HttpError;
    if (err.status === 403 || err.status === 404) {
      return { status: 'forbidden', message: `GitHub answered ${err.status} (${(err.message ?? '').split('\n')[0]}) when commenting` };
    }
    throw error;
  }
}
