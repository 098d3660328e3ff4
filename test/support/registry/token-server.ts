import { randomUUID, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigningKey } from './certs.js';

export interface TokenRequest {
  method: string;
  /** The user of the Basic credentials sent, if any. */
  user?: string;
  refreshToken?: string;
  scopes: string[];
  granted: boolean;
}

export interface TokenServerOptions {
  service: string;
  issuer: string;
  key: SigningKey;
  users: Record<string, string>;
  /** Accepted as `refresh_token` in the OAuth2 POST (an identity token from `docker login`). */
  identityTokens?: string[];
  /** Repositories anyone may pull without credentials. */
  publicRepositories?: string[];
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * The token service a docker-registry with `auth: token` trusts: it checks the Basic credentials (or the
 * refresh token) and answers a JWT signed with ES256, its certificate in the header's x5c chain, granting the
 * scopes asked for. Records every request, so tests can tell what crossed.
 */
export class TokenServer {
  readonly requests: TokenRequest[] = [];
  /** `token` (distribution's own field), `access_token` (OAuth2's), or both. */
  field: 'token' | 'access_token' | 'both' = 'token';
  expiresIn: number | undefined = 300;
  private server: Server | undefined;

  constructor(private readonly options: TokenServerOptions) {}

  get realm(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/token`;
  }

  private jwt(access: Array<{ type: string; name: string; actions: string[] }>, subject: string): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [this.options.key.certDer.toString('base64')] };
    const claims = { iss: this.options.issuer, sub: subject, aud: this.options.service, exp: now + 300, nbf: now - 5, iat: now, jti: randomUUID(), access };
    const signed = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signed), { key: this.options.key.keyPem, dsaEncoding: 'ieee-p1363' });
    return `${signed}.${base64url(signature)}`;
  }

  private grant(scopes: string[], authenticated: boolean): Array<{ type: string; name: string; actions: string[] }> {
    return scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      if (type !== 'repository' || !name || !actions) return [];
      if (authenticated) return [{ type, name, actions: actions.split(',') }];
      return this.options.publicRepositories?.includes(name) ? [{ type, name, actions: ['pull'] }] : [];
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://token');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const record: TokenRequest = { method: req.method ?? '', scopes: [], granted: false };
    let authenticated = false;
    let subject = 'anonymous';
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic) {
      const [user, password] = Buffer.from(basic[1]!, 'base64').toString().split(/:(.*)/s);
      record.user = user!;
      if (this.options.users[user!] !== password) return this.refuse(res, record);
      authenticated = true;
      subject = user!;
    }
    if (req.method === 'POST') {
      record.refreshToken = form.get('refresh_token') ?? '';
      record.scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      if (form.get('grant_type') !== 'refresh_token' || !this.options.identityTokens?.includes(record.refreshToken)) return this.refuse(res, record);
      authenticated = true;
      subject = 'identity-token';
    } else {
      record.scopes = url.searchParams.getAll('scope').flatMap((scope) => scope.split(' ')).filter(Boolean);
    }
    const token = this.jwt(this.grant(record.scopes, authenticated), subject);
    record.granted = true;
    this.requests.push(record);
    const body: Record<string, unknown> = {};
    if (this.field !== 'access_token') body.token = token;
    if (this.field !== 'token') body.access_token = token;
    if (this.expiresIn !== undefined) body.expires_in = this.expiresIn;
    body.issued_at = new Date().toISOString();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private refuse(res: ServerResponse, record: TokenRequest): void {
    this.requests.push(record);
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="token"' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
