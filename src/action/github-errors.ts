/**
 * What went wrong talking to GitHub, told apart properly. Octokit turns a request that got no answer (DNS,
 * refused or reset connection, timeout) into an error with status 500 and the fetch error as `cause`; only an
 * error with a `response` is an answer from GitHub.
 */
export type GitHubFailure =
  | { kind: 'answer'; status: number; message: string; headers: Record<string, string | undefined> }
  | { kind: 'network'; code: string; transient: boolean }
  | { kind: 'timeout'; seconds: number }
  | { kind: 'other'; message: string };

interface OctokitError {
  status?: number;
  message?: string;
  name?: string;
  code?: string;
  cause?: unknown;
  errors?: unknown[];
  response?: { status?: number; headers?: Record<string, string | undefined>; data?: unknown };
}

/** Connection failures worth another attempt: the next one may well get through. */
const TRANSIENT_CODES = new Set([
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENETDOWN',
  'ENETRESET',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** The first error code down the cause chain (an AggregateError from connecting to several addresses counts). */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 8) return undefined;
  const err = error as OctokitError;
  if (typeof err.code === 'string') return err.code;
  for (const inner of err.errors ?? []) {
    const code = errorCode(inner, depth + 1);
    if (code) return code;
  }
  return errorCode(err.cause, depth + 1);
}

function isTimeout(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 8) return false;
  const err = error as OctokitError;
  return err.name === 'TimeoutError' || err.name === 'AbortError' || isTimeout(err.cause, depth + 1);
}

/** GitHub's own words: the body's `message`, without the documentation link octokit appends. */
function answerMessage(err: OctokitError): string {
  const data = err.response?.data as { message?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? data.message : (err.message ?? '');
  return message.split('\n')[0]!.trim();
}

export function classifyGitHubError(error: unknown, timeoutSeconds: number): GitHubFailure {
  const err = (typeof error === 'object' && error !== null ? error : {}) as OctokitError;
  if (err.response && typeof err.status === 'number') {
    return { kind: 'answer', status: err.status, message: answerMessage(err), headers: err.response.headers ?? {} };
  }
  if (isTimeout(error)) return { kind: 'timeout', seconds: timeoutSeconds };
  const code = errorCode(err.cause) ?? errorCode(error);
  if (code) return { kind: 'network', code, transient: TRANSIENT_CODES.has(code) };
  return { kind: 'other', message: (err.message ?? String(error)).split('\n')[0]! };
}

/** One line naming the cause: `cannot reach api.github.com (ENOTFOUND)`, `GitHub answered 401 Bad credentials`. */
export function describeGitHubFailure(failure: GitHubFailure, apiUrl: string): string {
  let host: string;
  try {
    host = new URL(apiUrl).host;
  } catch {
    host = apiUrl;
  }
  switch (failure.kind) {
    case 'answer':
      return `GitHub answered ${failure.status}${failure.message ? ` ${failure.message}` : ''}`;
    case 'network':
      return `cannot reach ${host} (${failure.code})`;
    case 'timeout':
      return `cannot reach ${host} (no answer within ${failure.seconds} s)`;
    case 'other':
      return failure.message;
  }
}
