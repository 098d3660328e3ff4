import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.js';
import { BASE_BUSYBOX, requireBaseImage, requireDocker } from '../support/docker-env.js';
import { BUNDLE, runBundle } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-socket-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a Docker socket the user may not open', () => {
  it('ends in exit 2 with one line that says so (run as nobody against a root-only socket)', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test needs root, to run the CLI as another user (CI runs as root)');
    const socket = join(dir, 'docker.sock');
    const server = createServer((connection) => connection.end());
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    chmodSync(socket, 0o600);
    try {
      const result = await new Promise<{ code: number; stderr: string }>((done) => {
        execFile(process.execPath, [BUNDLE, 'audit', 'docker-daemon:some/image:1'], { uid: 65534, gid: 65534, env: { PATH: process.env.PATH ?? '', DOCKER_HOST: `unix://${socket}`, HOME: dir } }, (error, _stdout, stderr) =>
          done({ code: error ? Number(error.code) : 0, stderr }),
        );
      });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(`image-hygiene: permission denied on the Docker socket unix://${socket}: run as a user in the docker group`);
    } finally {
      server.close();
    }
  });
});

describe('the Docker engine over another transport than its unix socket', () => {
  it('DOCKER_HOST=tcp://… goes through dockerode and reads exactly what the unix socket gives', async () => {
    await requireDocker();
    await requireBaseImage(BASE_BUSYBOX);
    // A TCP front for the engine's socket: the audit cannot take the unix-socket fast path through it.
    const connections: Array<{ destroy(): void }> = [];
    const proxy = createServer((client) => {
      const engine = connect('/var/run/docker.sock');
      connections.push(client, engine);
      client.pipe(engine).pipe(client);
      client.on('error', () => engine.destroy());
      engine.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    try {
      const args = ['audit', `docker-daemon:${BASE_BUSYBOX}`, '--format', 'json', '--top', '1000', '--fail-on', 'never'];
      const overTcp = await runBundle(args, { DOCKER_HOST: `tcp://127.0.0.1:${port}` });
      const overSocket = await runBundle(args, { DOCKER_HOST: '' });
      expect(overTcp.stderr).toBe('');
      expect(overTcp.code).toBe(0);
      expect(overSocket.code).toBe(0);
      const tcpReport = JSON.parse(overTcp.stdout) as JsonReport;
      expect(tcpReport.image.layerVerification).toBe('engine');
      expect(tcpReport.layers.length).toBeGreaterThan(0);
      expect(tcpReport).toEqual(JSON.parse(overSocket.stdout));
    } finally {
      for (const connection of connections) connection.destroy();
      proxy.close();
    }
  });
});

describe('the engine answering the unix-socket requests with an error', () => {
  /** A stand-in engine on a unix socket: `routes` maps a request path to a status and a JSON body. */
  async function withEngine(routes: Record<string, [number, unknown]>, run: (host: string) => Promise<void>): Promise<void> {
    const socket = join(dir, `engine-${Object.keys(routes).length}-${Date.now()}.sock`);
    const server = createHttpServer((request, response) => {
      const [status, body] = routes[request.url ?? ''] ?? [404, { message: `no such route ${request.url}` }];
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      await run(`unix://${socket}`);
    } finally {
      server.close();
    }
  }

  it('an inspect that fails names the image and says what the engine said', async () => {
    await withEngine({ '/images/some/image:1/json': [500, { message: 'layer store is broken' }] }, async (host) => {
      const result = await runBundle(['audit', 'docker-daemon:some/image:1'], { DOCKER_HOST: host });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe('image-hygiene: some/image:1: layer store is broken');
    });
  });

  it('an export that fails says so, with the engine\'s words', async () => {
    const inspect = { Id: 'sha256:' + 'a'.repeat(64), Os: 'linux', Architecture: 'amd64', RepoDigests: [] };
    await withEngine(
      {
        '/images/some/image:1/json': [200, inspect],
        [`/images/${inspect.Id}/get`]: [500, { message: 'open /var/lib/docker/overlay2/x/diff: no such file or directory' }],
      },
      async (host) => {
        const result = await runBundle(['audit', 'docker-daemon:some/image:1'], { DOCKER_HOST: host });
        expect(result.code).toBe(2);
        expect(result.stderr.trim()).toBe('image-hygiene: cannot export some/image:1: open /var/lib/docker/overlay2/x/diff: no such file or directory');
      },
    );
  });
});
