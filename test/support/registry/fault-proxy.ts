import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to the requests that match, `times` times (then it forwards them untouched). */
export type Fault =
  | { kind: 'status'; status: number; times: number; on: 'manifest' | 'blob' | 'any'; retryAfter?: string }
  /** A blob body cut (connection reset) after this many bytes. */
  | { kind: 'reset'; afterBytes: number; times: number }
  /** A blob body that stops for `ms` after this many bytes. */
  | { kind: 'stall'; afterBytes: number; ms: number; times: number }
  /** Range headers dropped: the registry answers a resume with the whole blob (200). */
  | { kind: 'ignore-range' }
  /** One byte of a blob body changed at this offset (a registry or a network that corrupts): the digest must catch it. */
  | { kind: 'flip'; atByte: number; times: number }
  /** Blob GETs answered 307 to the blob host on another host name and port (as a registry sends to S3). */
  | { kind: 'redirect' };

export interface Seen {
  method: string;
  path: string;
  authorization: boolean;
  range?: string;
  status: number;
}

type Kind = 'manifest' | 'blob' | 'other';

function kindOf(path: string): Kind {
  if (/\/manifests\//.test(path)) return 'manifest';
  if (/\/blobs\//.test(path)) return 'blob';
  return 'other';
}

/**
 * A proxy on 127.0.0.1 in front of a real registry that injects the faults of real networks: 429 with
 * Retry-After, 503s, connections reset or stalled mid-blob, a registry ignoring Range, redirects to blob
 * storage on another host. The blob host (on `localhost`, another port) records whether a request brought
 * an Authorization header: a registry's credentials must never reach it.
 */
export class FaultProxy {
  faults: Fault[] = [];
  readonly seen: Seen[] = [];
  readonly blobHostSeen: Seen[] = [];
  private proxy: Server | undefined;
  private blobHost: Server | undefined;
  private readonly redirects = new Map<string, { path: string; authorization?: string }>();

  constructor(private readonly upstream: string) {}

  get host(): string {
    return `127.0.0.1:${(this.proxy!.address() as AddressInfo).port}`;
  }

  get blobHostName(): string {
    return `localhost:${(this.blobHost!.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.faults = [];
    this.seen.length = 0;
    this.blobHostSeen.length = 0;
  }

  private take(kind: Kind, type: Fault['kind']): Fault | undefined {
    const fault = this.faults.find((f) => f.kind === type && (f.kind !== 'status' || f.on === 'any' || f.on === kind) && (!('times' in f) || f.times > 0));
    if (fault && 'times' in fault) fault.times--;
    return fault;
  }

  /** A reset, stall or flip for a blob body long enough to be cut (a fault is not spent on a small config blob). */
  private cutFor(length: number): Fault | undefined {
    const fault = this.faults.find((f) => (f.kind === 'reset' || f.kind === 'stall' || f.kind === 'flip') && f.times > 0 && length > (f.kind === 'flip' ? f.atByte : f.afterBytes));
    if (fault && 'times' in fault) fault.times--;
    return fault;
  }

  private forward(req: IncomingMessage, res: ServerResponse, path: string, headers: IncomingMessage['headers'], blob: boolean, seen?: Seen): void {
    const [host, port] = this.upstream.split(':');
    const upstream = request({ host, port: Number(port), path, method: req.method, headers: { ...headers, host: this.upstream } }, (answer) => {
      if (seen) seen.status = answer.statusCode ?? 0;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      const ok = answer.statusCode === 200 || answer.statusCode === 206;
      const cut = blob && ok && req.method === 'GET' ? this.cutFor(Number(answer.headers['content-length'] ?? 0)) : undefined;
      if (!cut) return void answer.pipe(res);
      let sent = 0;
      if (cut.kind === 'flip') {
        answer.on('data', (chunk: Buffer) => {
          const at = cut.atByte - sent;
          if (at >= 0 && at < chunk.length) (chunk = Buffer.from(chunk))[at]! ^= 0x01;
          sent += chunk.length;
          res.write(chunk);
        });
        answer.on('end', () => res.end());
        return;
      }
      const limit = cut.kind === 'reset' || cut.kind === 'stall' ? cut.afterBytes : Infinity;
      answer.on('data', (chunk: Buffer) => {
        if (sent >= limit) return;
        const part = chunk.subarray(0, limit - sent);
        sent += part.length;
        res.write(part);
        if (sent < limit) return;
        answer.pause();
        if (cut.kind === 'reset') setTimeout(() => res.socket?.destroy(), 20);
        else if (cut.kind === 'stall') setTimeout(() => res.socket?.destroy(), (cut as { ms: number }).ms);
      });
      answer.on('end', () => res.end());
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    const kind = kindOf(path);
    const seen: Seen = { method: req.method ?? '', path, authorization: req.headers.authorization !== undefined, status: 0 };
    if (req.headers.range) seen.range = String(req.headers.range);
    this.seen.push(seen);
    const status = this.take(kind, 'status');
    if (status && status.kind === 'status') {
      seen.status = status.status;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (status.retryAfter !== undefined) headers['retry-after'] = status.retryAfter;
      res.writeHead(status.status, headers);
      res.end(JSON.stringify({ errors: [{ code: status.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', message: `fault proxy says ${status.status}` }] }));
      return;
    }
    const headers = { ...req.headers };
    if (this.faults.some((f) => f.kind === 'ignore-range')) delete headers.range;
    if (kind === 'blob' && req.method === 'GET' && this.faults.some((f) => f.kind === 'redirect')) {
      const id = randomUUID();
      this.redirects.set(id, { path, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      seen.status = 307;
      res.writeHead(307, { location: `http://${this.blobHostName}/storage/${id}?X-Amz-Signature=test` });
      res.end();
      return;
    }
    this.forward(req, res, path, headers, kind === 'blob', seen);
  }

  /** Blob storage: serves a redirected blob, fetching it from the registry with the credentials the proxy kept. */
  private handleStorage(req: IncomingMessage, res: ServerResponse): void {
    const seen: Seen = { method: req.method ?? '', path: req.url ?? '/', authorization: req.headers.authorization !== undefined, status: 0 };
    if (req.headers.range) seen.range = String(req.headers.range);
    this.blobHostSeen.push(seen);
    const id = /^\/storage\/([^?]+)/.exec(req.url ?? '')?.[1];
    const target = id ? this.redirects.get(id) : undefined;
    if (!target) {
      seen.status = 403;
      res.writeHead(403);
      res.end('unknown signature');
      return;
    }
    const headers: IncomingMessage['headers'] = {};
    if (target.authorization) headers.authorization = target.authorization;
    if (req.headers.range) headers.range = req.headers.range;
    this.forward(req, res, target.path, headers, true, seen);
  }

  async start(): Promise<void> {
    this.proxy = createServer((req, res) => this.handle(req, res));
    this.blobHost = createServer((req, res) => this.handleStorage(req, res));
    await new Promise<void>((resolve) => this.proxy!.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => this.blobHost!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const server of [this.proxy, this.blobHost]) {
      if (!server) continue;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
