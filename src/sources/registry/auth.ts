import { z } from 'zod';
import { parseJson } from '../../oci/schemas.js';
import { findCredentials, type RegistryCredentials } from '../docker-auth.js';
import type { Challenge } from './challenge.js';
import { discard, readBody, send, type HttpResponse } from './http.js';
import { RegistryError } from './errors.js';

/**
 * Authorization for one registry, the way the Docker CLI and containerd do it: anonymous first; when the
 * registry challenges, a Bearer token from its token service (realm, service, scope: a GET with Basic
 * credentials when known, an OAuth2 POST with a refresh token when config.json holds an identity token), or
 * Basic credentials on every request. Tokens are kept per scope until shortly before they expire.
 */
const tokenSchema = z.looseObject({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
  issued_at: z.string().optional(),
});

/** Docker's floor for a token's lifetime when the service states none, or less. */
const MIN_TOKEN_SECONDS = 60;
const TOKEN_MARGIN_MS = 10_000;
const TOKEN_RESPONSE_LIMIT = 1024 * 1024;

interface CachedToken {
  value: string;
  expiresAt: number;
}

export interface TokenRequestContext {
  stallMs: number;
  /** Sends a token request with the client's retries. */
  retrying: (attempt: () => Promise<HttpResponse>, what: string) => Promise<HttpResponse>;
  /** Names the image in messages. */
  display: string;
}

function basic(credentials: RegistryCredentials): string | undefined {
  if (credentials.username === undefined || credentials.password === undefined) return undefined;
  return 'Basic ' + Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
}

export class Authorizer {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  private credentials: Promise<RegistryCredentials | undefined> | undefined;

  constructor(private readonly configHost: string) {}

  /** Where credentials came from, for messages; undefined when there were none. */
  async credentialSource(): Promise<string | undefined> {
    return (await this.loadCredentials())?.source;
  }

  /** Learnt from the registry's `/v2/` answer or from any 401. */
  setChallenge(challenge: Challenge | undefined): void {
    this.challenge = challenge;
  }

  get scheme(): string | undefined {
    return this.challenge?.scheme;
  }

  private loadCredentials(): Promise<RegistryCredentials | undefined> {
    this.credentials ??= findCredentials(this.configHost);
    return this.credentials;
  }

  /** The Authorization header for a request in `scope`, or undefined to go anonymous. */
  async header(scope: string, context: TokenRequestContext): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      const credentials = await this.loadCredentials();
      return credentials ? basic(credentials) : undefined;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    let pending = this.tokens.get(scope);
    if (pending) {
      const token = await pending.catch(() => undefined);
      if (token && token.expiresAt > Date.now()) return `Bearer ${token.value}`;
    }
    pending = this.fetchToken(challenge, scope, context);
    this.tokens.set(scope, pending);
    pending.catch(() => this.tokens.delete(scope));
    return `Bearer ${(await pending).value}`;
  }

  /** A 401 with a token: drop it, so the next request asks for a fresh one. */
  forget(scope: string): void {
    this.tokens.delete(scope);
  }

  private async fetchToken(challenge: Challenge, scope: string, context: TokenRequestContext): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryError(`${context.display}: the registry asks for a Bearer token but names no realm to get it from`, { kind: 'refused' });
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(`${context.display}: the token realm "${realm}" is not a URL`, { kind: 'refused' });
    }
    const credentials = await this.loadCredentials();
    const service = challenge.params.service;
    // A challenge's own scope (a 401 on a request) may ask for more than pull; ours is what we need.
    const scopes = [...new Set([scope, ...(challenge.params.scope ? challenge.params.scope.split(' ') : [])])].filter(Boolean);
    const response = await context.retrying(
      () => (credentials?.identityToken ? this.oauthRequest(url, service, scopes, credentials, context) : this.getRequest(url, service, scopes, credentials, context)),
      `token from ${url.host}`,
    );
    const text = await readBody(response, TOKEN_RESPONSE_LIMIT, `the token from ${url.host}`);
    const body = parseJson(tokenSchema, text, `${context.display}: the token from ${url.origin}${url.pathname}`);
    const value = body.token || body.access_token;
    if (!value) throw new RegistryError(`${context.display}: the token service ${url.origin}${url.pathname} answered without a token`, { kind: 'refused' });
    const seconds = Math.max(body.expires_in ?? MIN_TOKEN_SECONDS, MIN_TOKEN_SECONDS);
    return { value, expiresAt: Date.now() + seconds * 1000 - TOKEN_MARGIN_MS };
  }

  /** GET realm?service&scope, with Basic credentials when there are (the docker CLI's way). */
  private getRequest(realm: URL, service: string | undefined, scopes: string[], credentials: RegistryCredentials | undefined, context: TokenRequestContext): Promise<HttpResponse> {
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    if (credentials?.username) url.searchParams.set('account', credentials.username);
    const authorization = credentials ? basic(credentials) : undefined;
    return send({ method: 'GET', url, stallMs: context.stallMs, ...(authorization ? { authorization } : {}) });
  }

  /** POST grant_type=refresh_token (an identity token from `docker login`), as the docker CLI does. */
  private async oauthRequest(realm: URL, service: string | undefined, scopes: string[], credentials: RegistryCredentials, context: TokenRequestContext): Promise<HttpResponse> {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken!, client_id: 'image-hygiene', access_type: 'offline' });
    if (service) form.set('service', service);
    form.set('scope', scopes.join(' '));
    const response = await send({
      method: 'POST',
      url: realm,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      stallMs: context.stallMs,
    });
    if (response.status !== 404 && response.status !== 405) return response;
    discard(response); // a token service without OAuth2: the plain GET
    return this.getRequest(realm, service, scopes, credentials, context);
  }
}
