import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body?: unknown;
}

export interface CommentAuthor {
  login: string;
  type: string;
}

interface StoredComment {
  id: number;
  body: string;
  user: CommentAuthor;
  html_url: string;
}

export type Mode =
  | 'normal'
  /** 403 on every write, as for a fork's read-only token. */
  | 'forbidden-write'
  /** One secondary rate limit (403 with retry-after: 0) on the first write. */
  | 'rate-limited-once'
  /** 422 "body is too long" on the first write; `too-long-always` on every write. */
  | 'too-long-once'
  | 'too-long-always'
  /** 404 for the pull request's comments. */
  | 'no-such-pr'
  /** 401 Bad credentials on every request. */
  | 'bad-credentials'
  /** 502 on every request (`server-error`), or on the first request only (`server-error-once`). */
  | 'server-error'
  | 'server-error-once'
  /** The connection is accepted, then reset (ECONNRESET) before any answer. */
  | 'reset'
  /** The connection is accepted and never answered. */
  | 'hang';

/** What GET /user answers for the token: 403 as for GITHUB_TOKEN (`integration`), or a PAT's user. */
export type TokenIdentity = { kind: 'integration' } | ({ kind: 'user' } & CommentAuthor);

const ACTIONS_BOT: CommentAuthor = { login: 'github-actions[bot]', type: 'Bot' };

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * A stand-in for GitHub's REST API on 127.0.0.1: just the endpoints the Action uses, with comments kept in
 * memory. Every request is recorded. Modes make it fail the way GitHub and networks fail.
 */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly comments: StoredComment[] = [];
  mode: Mode = 'normal';
  identity: TokenIdentity = { kind: 'integration' };
  /** Called with each request as it arrives (before any answer). */
  onRequest: ((request: RecordedRequest) => void) | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private nextId = 1000;
  private failedOnce = false;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (this.mode === 'reset' || this.mode === 'hang') {
        this.record({ method: req.method ?? '', path: req.url ?? '' });
        if (this.mode === 'reset') req.socket.resetAndDestroy();
        return;
      }
      void this.handle(req).then(({ status, body, headers }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Back to a clean GitHub between tests: normal mode, GITHUB_TOKEN's identity, no one-shot failure spent. */
  reset(): void {
    this.mode = 'normal';
    this.identity = { kind: 'integration' };
    this.failedOnce = false;
    this.onRequest = undefined;
    this.requests.length = 0;
  }

  /** A comment left by someone else (by default another user): it must never be taken over. */
  addComment(body: string, user: CommentAuthor = { login: 'someone-else', type: 'User' }): number {
    const id = this.nextId++;
    this.comments.push({ id, body, user, html_url: `https://github.example/c/${id}` });
    return id;
  }

  private record(request: RecordedRequest): void {
    this.requests.push(request);
    this.onRequest?.(request);
  }

  private author(): CommentAuthor {
    return this.identity.kind === 'user' ? { login: this.identity.login, type: this.identity.type } : ACTIONS_BOT;
  }

  private once(): boolean {
    if (this.failedOnce) return false;
    this.failedOnce = true;
    return true;
  }

  private async handle(req: IncomingMessage): Promise<Answer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    const path = req.url ?? '';
    const method = req.method ?? '';
    this.record({ method, path, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), ...(body ? { body } : {}) });
    return this.failure(method, path) ?? this.answer(method, path, body);
  }

  private failure(method: string, path: string): Answer | undefined {
    const write = method === 'POST' || method === 'PATCH';
    const forbidden = { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } };
    switch (this.mode) {
      case 'bad-credentials':
        return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
      case 'server-error':
        return { status: 502, body: { message: 'Server Error' } };
      case 'server-error-once':
        return this.once() ? { status: 502, body: { message: 'Server Error' } } : undefined;
      case 'forbidden-write':
        return write ? forbidden : undefined;
      case 'no-such-pr':
        return /\/issues\/\d+\/comments/.test(path) ? { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } } : undefined;
      case 'rate-limited-once':
        return write && this.once() ? { status: 403, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'retry-after': '0' } } : undefined;
      case 'too-long-once':
      case 'too-long-always':
        if (!write || (this.mode === 'too-long-once' && !this.once())) return undefined;
        return {
          status: 422,
          body: { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }] },
        };
      default:
        return undefined;
    }
  }

  private answer(method: string, path: string, body: Record<string, unknown> | undefined): Answer {
    if (path === '/user') {
      if (this.identity.kind === 'integration') return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } };
      return { status: 200, body: { login: this.identity.login, type: this.identity.type } };
    }
    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments(\?.*)?$/.exec(path);
    if (list && method === 'GET') return { status: 200, body: this.comments };
    if (list && method === 'POST') {
      const id = this.addComment(String(body?.body), this.author());
      return { status: 201, body: this.comments.find((c) => c.id === id) };
    }
    // Like GitHub, a token with write access may edit anyone's comment: only the Action's own check keeps it off them.
    const update = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path);
    if (update && method === 'PATCH') {
      const comment = this.comments.find((c) => c.id === Number(update[1]));
      if (!comment) return { status: 404, body: { message: 'Not Found' } };
      comment.body = String(body?.body);
      return { status: 200, body: comment };
    }
    return { status: 404, body: { message: `Not Found: ${method} ${path}` } };
  }
}
