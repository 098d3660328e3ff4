import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body?: unknown;
}

interface StoredComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
}

export type Mode = 'normal' | 'forbidden-write' | 'rate-limited-once' | 'too-long-once' | 'no-such-pr';

/**
 * A stand-in for GitHub's REST API on 127.0.0.1: just the endpoints the Action uses, with comments kept in
 * memory. Every request is recorded. `/user` answers 403 like it does for GITHUB_TOKEN.
 */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly comments: StoredComment[] = [];
  mode: Mode = 'normal';
  private server: Server | undefined;
  private nextId = 1000;
  private rateLimited = false;
  private refusedTooLong = false;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, headers }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Comments as another user would have left them, with the marker copied: must not be taken over. */
  addForeignComment(body: string): void {
    this.comments.push({ id: this.nextId++, body, user: { login: 'someone-else', type: 'User' }, html_url: 'https://github.example/c' });
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    const path = req.url ?? '';
    this.requests.push({ method: req.method ?? '', path, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), ...(body ? { body } : {}) });
    const forbidden = { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } };
    if (path === '/user') return forbidden;
    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments(\?.*)?$/.exec(path);
    if (list && this.mode === 'no-such-pr') return { status: 404, body: { message: 'Not Found' } };
    if (list && req.method === 'GET') return { status: 200, body: this.comments };
    const write = req.method === 'POST' || req.method === 'PATCH';
    if (write && this.mode === 'forbidden-write') return forbidden;
    if (write && this.mode === 'rate-limited-once' && !this.rateLimited) {
      this.rateLimited = true;
      return { status: 403, body: { message: 'You have exceeded a secondary rate limit.' }, headers: { 'retry-after': '1' } };
    }
    if (write && this.mode === 'too-long-once' && !this.refusedTooLong) {
      this.refusedTooLong = true;
      return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }] } };
    }
    if (list && req.method === 'POST') {
      const comment: StoredComment = { id: this.nextId++, body: String(body?.body), user: { login: 'github-actions[bot]', type: 'Bot' }, html_url: 'https://github.example/c' };
      this.comments.push(comment);
      return { status: 201, body: comment };
    }
    const update = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path);
    if (update && req.method === 'PATCH') {
      const comment = this.comments.find((c) => c.id === Number(update[1]));
      if (!comment) return { status: 404, body: { message: 'Not Found' } };
      comment.body = String(body?.body);
      return { status: 200, body: comment };
    }
    return { status: 404, body: { message: `Not Found: ${req.method} ${path}` } };
  }
}
