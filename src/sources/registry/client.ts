import { Authorizer } from './auth.js';
import { parseChallenges, type Challenge } from './challenge.js';
import { RegistryError, statusError } from './errors.js';
import { NetworkError, discard, readBody, send, type HttpRequest, type HttpResponse } from './http.js';
import { backoffMs, isTransientError, isTransientStatus, retryAfterMs, retryPolicy, sleep, stallTimeoutMs } from './retry.js';
import { CERTS_D, isInsecure, isLoopback } from './tls.js';

/** A request to a registry's API: the path under its origin, and what it is for (messages, auth scope). */
export interface ApiRequest {
  method: 'GET' | 'HEAD';
  /** `/v2/<repository>/manifests/<reference>`, `/v2/<repository>/blobs/<digest>`. */
  path: string;
  repository: string;
  /** Names the image in messages: `ghcr.io/acme/app:pr-7`. */
  display: string;
  /** What is asked for, in messages: `manifest`, `blob sha256:…`. */
  what?: string;
  headers?: Record<string, string>;
  onRedirect?: HttpRequest['onRedirect'];
}

const ERROR_BODY_LIMIT = 64 * 1024;
/** Codes that mean "this server does not speak TLS": a loopback or insecure registry is then tried over HTTP. */
const NOT_TLS = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST', 'ECONNRESET']);
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|ERR_TLS_CERT_ALTNAME|HOSTNAME_MISMATCH/;

function unreachable(display: string, host: string, error: NetworkError, attempts: number): RegistryError {
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  if (CERTIFICATE.test(error.code)) {
    return new RegistryError(
      `${display}: TLS with ${host} failed (${error.code}: ${error.message.replace(/^[^:]*: /, '')}); add the registry's CA to ${CERTS_D}/${host}/ca.crt or NODE_EXTRA_CA_CERTS`,
      { kind: 'unreachable', cause: error },
    );
  }
  return new RegistryError(`${display}: cannot reach the registry ${host} (${error.code}: ${error.message.replace(/^[^:]*: /, '')})${tries}`, { kind: 'unreachable', cause: error });
}

/** The challenge to answer: Bearer when offered (the token flow), else Basic. */
function preferred(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

/**
 * One registry's API: where it answers (HTTPS, or HTTP for loopback and insecure registries that do not speak
 * TLS), its authorization, and requests with retries. Shared by every image read from that registry in a
 * process (an audit and its compare-to), so the token and the connections are reused.
 */
export class RegistryClient {
  private static readonly clients = new Map<string, RegistryClient>();

  static for(apiHost: string, configHost: string): RegistryClient {
    const key = `${apiHost} ${configHost}`;
    let client = RegistryClient.clients.get(key);
    if (!client) {
      client = new RegistryClient(apiHost, configHost);
      RegistryClient.clients.set(key, client);
    }
    return client;
  }

  readonly auth: Authorizer;
  private origin: Promise<URL> | undefined;

  private constructor(
    readonly host: string,
    configHost: string,
  ) {
    this.auth = new Authorizer(configHost);
  }

  /** `GET /v2/` once: which scheme answers, and what authorization it asks for. */
  private base(display: string): Promise<URL> {
    this.origin ??= this.ping(display);
    this.origin.catch(() => (this.origin = undefined)); // asked again by the next request
    return this.origin;
  }

  private async ping(display: string): Promise<URL> {
    const ping = (origin: URL) => (): Promise<HttpResponse> => send({ method: 'GET', url: new URL('/v2/', origin), stallMs: stallTimeoutMs() });
    let origin = new URL(`https://${this.host}`);
    let response: HttpResponse;
    if (isLoopback(this.host) || isInsecure(this.host)) {
      // One HTTPS try: a server that does not speak TLS answers it at once, and is then asked over HTTP.
      try {
        response = await ping(origin)();
      } catch (error) {
        const downgrade = error instanceof NetworkError && (NOT_TLS.has(error.code) || (isInsecure(this.host) && CERTIFICATE.test(error.code)));
        if (!downgrade && !isTransientError(error)) throw error instanceof NetworkError ? unreachable(display, this.host, error, 1) : error;
        if (downgrade) origin = new URL(`http://${this.host}`);
        response = await this.withRetries(display, ping(origin));
      }
    } else {
      response = await this.withRetries(display, ping(origin));
    }
    discard(response);
    if (response.status === 401) this.auth.setChallenge(preferred(parseChallenges(response.headers['www-authenticate'])));
    return origin;
  }

  /**
   * Send `attempt` until it gives an answer that is not transient, waiting between tries (Retry-After, else
   * backoff). A network failure on the last try is a RegistryError of kind `unreachable`.
   */
  async withRetries(display: string, attempt: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const policy = retryPolicy();
    for (let tries = 1; ; tries++) {
      let response: HttpResponse;
      try {
        response = await attempt();
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        if (tries >= policy.attempts || !isTransientError(error)) throw unreachable(display, this.host, error, tries);
        await sleep(backoffMs(policy, tries));
        continue;
      }
      if (!isTransientStatus(response.status) || tries >= policy.attempts) return Object.assign(response, { attempts: tries });
      const wait = backoffMs(policy, tries, retryAfterMs(response.headers['retry-after']));
      if (wait > policy.maxDelayMs) return Object.assign(response, { attempts: tries });
      discard(response);
      await sleep(wait);
    }
  }

  /**
   * A request with authorization and retries; resolves to a 2xx answer (the caller reads or discards its body),
   * throws a one-line RegistryError for anything else.
   */
  async request(spec: ApiRequest): Promise<HttpResponse> {
    const origin = await this.base(spec.display);
    const scope = `repository:${spec.repository}:pull`;
    const context = {
      stallMs: stallTimeoutMs(),
      display: spec.display,
      retrying: async (attempt: () => Promise<HttpResponse>, what: string) => this.checked({ display: spec.display, what }, await this.withRetries(spec.display, attempt)),
    };
    let challenged = false;
    for (;;) {
      const authorization = await this.auth.header(scope, context);
      const response = await this.withRetries(spec.display, () =>
        send({
          method: spec.method,
          url: new URL(spec.path, origin),
          stallMs: context.stallMs,
          ...(spec.headers ? { headers: spec.headers } : {}),
          ...(authorization ? { authorization } : {}),
          ...(spec.onRedirect ? { onRedirect: spec.onRedirect } : {}),
        }),
      );
      if (response.status === 401 && !challenged) {
        // A registry may answer /v2/ openly and still guard a repository, or a token may have expired.
        const challenge = preferred(parseChallenges(response.headers['www-authenticate']));
        if (challenge && (challenge.scheme !== 'basic' || !authorization)) {
          challenged = true;
          discard(response);
          this.auth.setChallenge(challenge);
          this.auth.forget(scope);
          continue;
        }
      }
      return this.checked(spec, response);
    }
  }

  /** The answer if it is a success; otherwise its error body read (bounded) into one line. */
  private async checked(spec: Pick<ApiRequest, 'display' | 'what'>, response: HttpResponse): Promise<HttpResponse> {
    if (response.status >= 200 && response.status < 300) return response;
    const body = await readBody(response, ERROR_BODY_LIMIT, 'error').catch(() => Buffer.alloc(0));
    const error = statusError(spec.display, this.host, response.status, body, spec.what, await this.auth.credentialSource());
    const attempts = (response as { attempts?: number }).attempts ?? 1;
    if (attempts > 1) throw new RegistryError(`${error.message} (after ${attempts} attempts)`, { kind: error.kind, status: response.status });
    throw error;
  }
}
