import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { httpAgentFor, httpsAgentFor } from './tls.js';

/**
 * HTTP over node:http and node:https rather than the built-in fetch: Node ships undici's fetch but not its
 * Agent, so fetch cannot take the per-registry CAs and client certificates of /etc/docker/certs.d without a
 * dependency; redirects must be followed by hand anyway (the registry's Authorization must not reach blob
 * storage); and a layer body is read as the Buffers the socket delivers, paused by backpressure, with no web
 * stream in between.
 */

/** A failure below HTTP: DNS, a refused or reset connection, TLS, a stall. `code` is Node's (ECONNRESET, …). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    message: string,
    readonly code: string,
    /** Before any byte of the response: the request may be sent again as it was. */
    readonly beforeResponse: boolean,
  ) {
    super(message);
  }
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** Where the response came from, after redirects. */
  url: URL;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  /** Sent only to `url`'s own origin: dropped as soon as a redirect leaves it. */
  authorization?: string;
  body?: string;
  /** Fail a request whose connection sends nothing for this long (before or during the body). */
  stallMs: number;
  /** Called for each redirect followed (tests and messages). */
  onRedirect?: (from: URL, to: URL, keptAuthorization: boolean) => void;
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.host === b.host;
}

function describeNetwork(error: NodeJS.ErrnoException, url: URL): NetworkError {
  const code = error.code ?? 'ERROR';
  return new NetworkError(`${url.host}: ${error.message.split('\n')[0]}`, code, true);
}

/** One request, no redirects; resolves at the response's headers. */
function sendOnce(spec: HttpRequest, url: URL, authorization: string | undefined): Promise<HttpResponse> {
  const secure = url.protocol === 'https:';
  const headers: Record<string, string> = { 'user-agent': 'image-hygiene', ...spec.headers };
  if (authorization) headers.authorization = authorization;
  if (spec.body !== undefined) headers['content-length'] = String(Buffer.byteLength(spec.body));
  const options = { method: spec.method, headers, agent: secure ? httpsAgentFor(url.host) : httpAgentFor(url.host) };
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(url, options, (res) => {
      res.setTimeout(spec.stallMs, () => res.destroy(new NetworkError(`${url.host}: no data for ${spec.stallMs / 1000} s`, 'ESTALLED', false)));
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url });
    });
    req.setTimeout(spec.stallMs, () => req.destroy(Object.assign(new Error(`no answer for ${spec.stallMs / 1000} s`), { code: 'ESTALLED' })));
    req.on('error', (error: NodeJS.ErrnoException) => reject(error instanceof NetworkError ? error : describeNetwork(error, url)));
    req.end(spec.body);
  });
}

/** Drain and drop a body we do not read, so its connection goes back to the pool. */
export function discard(response: HttpResponse): void {
  response.body.on('error', () => undefined);
  response.body.resume();
}

/**
 * Send a request and follow redirects. The Authorization header goes to the request's own origin only: a
 * registry sending a blob to storage on another host (S3, a CDN) must not hand that host its token.
 */
export async function send(spec: HttpRequest): Promise<HttpResponse> {
  let url = spec.url;
  let authorization = spec.authorization;
  for (let redirects = 0; ; redirects++) {
    const response = await sendOnce(spec, url, authorization);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || location === undefined || spec.method === 'POST') return response;
    discard(response);
    if (redirects >= MAX_REDIRECTS) throw new NetworkError(`${spec.url.host}: more than ${MAX_REDIRECTS} redirects`, 'ETOOMANYREDIRECTS', true);
    const next = new URL(location, url);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new NetworkError(`${url.host}: redirect to ${next.protocol} URL`, 'EBADREDIRECT', true);
    if (!sameOrigin(next, spec.url)) authorization = undefined;
    spec.onRedirect?.(url, next, authorization !== undefined);
    url = next;
  }
}

/** The body as one Buffer, refusing more than `limit` bytes (declared or sent). */
export async function readBody(response: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const declared = Number(response.headers['content-length'] ?? NaN);
  if (declared > limit) {
    discard(response);
    throw new BodyTooLarge(`${what} is ${declared} bytes, more than the ${limit} allowed`);
  }
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > limit) {
        response.body.destroy();
        throw new BodyTooLarge(`${what} is more than the ${limit} bytes allowed`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof BodyTooLarge || error instanceof NetworkError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'ECONNRESET';
    throw new NetworkError(`${response.url.host}: the answer broke off (${(error as Error).message})`, code, false);
  }
  return Buffer.concat(chunks, length);
}

export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}
