import { classifyGitHubError, type GitHubFailure } from './github-errors.js';

/** How long talking to GitHub may take: every wait and timeout is here, read from the environment in one place. */
export interface RetryPolicy {
  attempts: number;
  /** First backoff for a 5xx or a transient network error; doubled on each attempt. */
  backoffSeconds: number;
  /** Longest wait a rate limit may ask for before we give up instead. */
  maxWaitSeconds: number;
  /** One request without an answer for this long is abandoned. */
  requestTimeoutSeconds: number;
  /** All of the commenting together stops after this long (Date.now() milliseconds). */
  deadline: number;
}

function seconds(text: string | undefined, fallback: number): number {
  const value = text === undefined || text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * The defaults, which IMAGE_HYGIENE_GITHUB_BACKOFF_SECONDS and IMAGE_HYGIENE_GITHUB_TIMEOUT_SECONDS override
 * (the tests set them to run without waiting; a slow GitHub Enterprise may want a longer timeout).
 */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv, now = Date.now()): RetryPolicy {
  const requestTimeoutSeconds = seconds(env.IMAGE_HYGIENE_GITHUB_TIMEOUT_SECONDS, 30);
  return {
    attempts: 4,
    backoffSeconds: seconds(env.IMAGE_HYGIENE_GITHUB_BACKOFF_SECONDS, 2),
    maxWaitSeconds: 60,
    requestTimeoutSeconds,
    deadline: now + Math.max(120, 4 * requestTimeoutSeconds) * 1000,
  };
}

/** Seconds to wait before trying again, or undefined when this failure is not worth another attempt. */
function retryWait(failure: GitHubFailure, attempt: number, policy: RetryPolicy): { wait: number; why: string } | undefined {
  const backoff = { wait: policy.backoffSeconds * 2 ** (attempt - 1), why: 'backing off' };
  if (failure.kind === 'timeout') return backoff;
  if (failure.kind === 'network') return failure.transient ? backoff : undefined; // ENOTFOUND, ECONNREFUSED: not in seconds
  if (failure.kind !== 'answer') return undefined;
  const { status, headers, message } = failure;
  const retryAfter = Number(headers['retry-after']);
  const rateLimited = status === 429 || (status === 403 && (headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message)));
  if (!rateLimited) return status >= 500 ? backoff : undefined;
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) return { wait: retryAfter, why: 'as its retry-after header asks' };
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) return { wait: Math.max(0, reset - Date.now() / 1000), why: 'until its rate limit resets' };
  return backoff;
}

function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

/**
 * Retry what is worth retrying — rate limits (primary and secondary), GitHub's own 5xx, a connection reset or
 * timed out — a bounded number of times and never past the deadline. Anything else is thrown at once.
 */
export async function withRetries<T>(call: () => Promise<T>, policy: RetryPolicy, log: (message: string) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = classifyGitHubError(error, policy.requestTimeoutSeconds);
      const retry = attempt < policy.attempts ? retryWait(failure, attempt, policy) : undefined;
      if (!retry || retry.wait > policy.maxWaitSeconds || Date.now() + retry.wait * 1000 >= policy.deadline) throw error;
      const what = failure.kind === 'answer' ? `GitHub answered ${failure.status}` : failure.kind === 'network' ? `no connection (${failure.code})` : 'no answer';
      log(`${what}; retrying in ${Math.ceil(retry.wait)} s, ${retry.why} (attempt ${attempt + 1} of ${policy.attempts})`);
      await sleep(retry.wait);
    }
  }
}
