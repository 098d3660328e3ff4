import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RegistryMode = { kind: 'unauthorized' } | { kind: 'fail-first'; failures: number; status: 429 | 503 } | { kind: 'always'; status: 500 };

/**
 * A registry on 127.0.0.1 that forwards to the real test registry, except where told to refuse or fail:
 * for testing how pulls through the engine behave when a registry says 401, 429 or 5xx.
 */
export class FlakyRegistry {
  mode: RegistryMode = { kind: 'always', status: 500 };
  manifestRequests = 0;
  failed = 0;
  private server: Server | undefined;

  constructor(private readonly upstream: string) {}

  get host(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = req.url ?? '/';
      const manifest = /\/manifests\//.test(url);
      if (manifest) this.manifestRequests++;
      const refuse = (status: number, headers: Record<string, string> = {}): void => {
        this.failed++;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ errors: [{ code: status === 401 ? 'UNAUTHORIZED' : 'UNAVAILABLE', message: `test registry says ${status}` }] }));
      };
      if (this.mode.kind === 'unauthorized' && url !== '/v2/') return refuse(401, { 'www-authenticate': 'Basic realm="image-hygiene-test"' });
      if (this.mode.kind === 'always' && manifest) return refuse(this.mode.status);
      if (this.mode.kind === 'fail-first' && manifest && this.failed < this.mode.failures) {
        return refuse(this.mode.status, this.mode.status === 429 ? { 'retry-after': '1' } : {});
      }
      const [host, port] = this.upstream.split(':');
      const proxied = request({ host, port: Number(port), path: url, method: req.method, headers: { ...req.headers, host: this.upstream } }, (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(res);
      });
      proxied.on('error', () => refuse(502));
      req.pipe(proxied);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
