import { NetworkError } from './http.js';

/**
 * When to try again, and after how long: rate limits (429, honouring Retry-After), the registry's own
 * failures (500, 502, 503, 504) and connections that broke (reset, closed early, stalled), with exponential
 * backoff. Refusals (401, 403, 404, …) are final, and so is a host that does not resolve or refuses
 * connections: that is a registry that cannot be reached, not one that is busy.
 */
export interface RetryPolicy {
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

function numberFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** IMAGE_HYGIENE_REGISTRY_ATTEMPTS / _BACKOFF_MS tune it (tests of the retries keep it short). */
export function retryPolicy(): RetryPolicy {
  return {
    attempts: Math.max(1, Math.floor(numberFromEnv('IMAGE_HYGIENE_REGISTRY_ATTEMPTS', 5))),
    firstDelayMs: numberFromEnv('IMAGE_HYGIENE_REGISTRY_BACKOFF_MS', 500),
    maxDelayMs: 60_000,
  };
}

/** No data for this long fails a request (and a blob resumes where it stopped). IMAGE_HYGIENE_REGISTRY_STALL_MS. */
export function stallTimeoutMs(): number {
  return numberFromEnv('IMAGE_HYGIENE_REGISTRY_STALL_MS', 30_000) || 30_000;
}

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ESTALLED', 'ERR_STREAM_PREMATURE_CLOSE', 'ESHORTBODY', 'HPE_INVALID_CHUNK_SIZE']);

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUS.has(status);
}

export function isTransientError(error: unknown): boolean {
  return error instanceof NetworkError && TRANSIENT_NETWORK.has(error.code);
}

/** Seconds, or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before attempt `attempt + 1` (attempt counts from 1): Retry-After when given, else doubling. */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfter?: number): number {
  if (retryAfter !== undefined) return retryAfter;
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
