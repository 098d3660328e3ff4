import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/report/json.js';
import { BASE_BUSYBOX, imageStore, requireBaseImage, requireDocker } from '../support/docker-env.js';
import { buildImage, ociArchive } from '../support/image-builder.js';
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
    // This leg's engine: DOCKER_HOST names its socket, or the default one.
    const socket = process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : '/var/run/docker.sock';
    const proxy = createServer((client) => {
      const engine = connect(socket);
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
      const overSocket = await runBundle(args, { DOCKER_HOST: `unix://${socket}` });
      expect(overTcp.stderr).toBe('');
      expect(overTcp.code).toBe(0);
      expect(overSocket.code).toBe(0);
      const tcpReport = JSON.parse(overTcp.stdout) as JsonReport;
      expect(tcpReport.image.layerVerification).toBe((await imageStore()) === 'containerd' ? 'sha256' : 'engine');
      expect(tcpReport.layers.length).toBeGreaterThan(0);
      expect(tcpReport).toEqual(JSON.parse(overSocket.stdout));
    } finally {
      for (const connection of connections) connection.destroy();
      proxy.close();
    }
  });
});

/** A stand-in engine on a unix socket: `routes` maps a request path (and query) to a status and a JSON body, or tar bytes. */
async function withEngine(routes: Record<string, [number, unknown]>, run: (host: string) => Promise<void>): Promise<void> {
  const socket = join(dir, `engine-${Object.keys(routes).length}-${Date.now()}-${Math.random().toString(36).slice(2)}.sock`);
  const server = createHttpServer((request, response) => {
    const [status, body] = routes[request.url ?? ''] ?? [404, { message: `no such route ${request.url}` }];
    response.writeHead(status, { 'Content-Type': Buffer.isBuffer(body) ? 'application/x-tar' : 'application/json' });
    response.end(Buffer.isBuffer(body) ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    await run(`unix://${socket}`);
  } finally {
    server.close();
  }
}

describe('the engine answering the unix-socket requests with an error', () => {
  it('an inspect that fails names the image and says what the engine said', async () => {
    await withEngine({ '/images/some/image:1/json?manifests=1': [500, { message: 'layer store is broken' }] }, async (host) => {
      const result = await runBundle(['audit', 'docker-daemon:some/image:1'], { DOCKER_HOST: host });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe('image-hygiene: some/image:1: layer store is broken');
    });
  });

  it('an export that fails says so, with the engine\'s words', async () => {
    const inspect = { Id: 'sha256:' + 'a'.repeat(64), Os: 'linux', Architecture: 'amd64', RepoDigests: [] };
    await withEngine(
      {
        '/images/some/image:1/json?manifests=1': [200, inspect],
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

describe('the platform asked of the engine (its inspect and export, as Docker 25–28 answer them)', () => {
  const amd64 = buildImage({ layers: [{ entries: [{ type: 'file', path: 'amd64.bin', size: 100 }] }] });
  const arm64 = buildImage({ architecture: 'arm64', layers: [{ entries: [{ type: 'file', path: 'arm64.bin', size: 200 }] }] });
  const id = 'sha256:' + 'b'.repeat(64);
  const json = (platform: object): string => encodeURIComponent(JSON.stringify(platform));
  /** Engine API 1.48+ on the containerd store: inspect lists the platforms and whether each is stored. */
  const inspect148 = {
    Id: id, Os: 'linux', Architecture: 'amd64', RepoDigests: [], Descriptor: { mediaType: 'application/vnd.oci.image.index.v1+json' },
    Manifests: [
      { Kind: 'image', Available: true, Descriptor: { platform: { os: 'linux', architecture: 'amd64' } } },
      { Kind: 'image', Available: true, Descriptor: { platform: { os: 'linux', architecture: 'arm64' } } },
      { Kind: 'image', Available: false, Descriptor: { platform: { os: 'linux', architecture: 's390x' } } },
      { Kind: 'attestation', Available: true, Descriptor: { platform: { os: 'unknown', architecture: 'unknown' } } },
    ],
  };

  async function auditOn(routes: Record<string, [number, unknown]>, ...flags: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let result: { code: number; stdout: string; stderr: string } | undefined;
    await withEngine(routes, async (host) => {
      result = await runBundle(['audit', 'docker-daemon:some/image:1', '--format', 'json', '--fail-on', 'never', ...flags], { DOCKER_HOST: host });
    });
    return result!;
  }

  it('1.48+: the export is asked for the platform, JSON-encoded; with no --platform, the engine\'s own (an arm64 runner)', async () => {
    const routes: Record<string, [number, unknown]> = {
      '/images/some/image:1/json?manifests=1': [200, inspect148],
      '/version': [200, { Os: 'linux', Arch: 'arm64' }],
      [`/images/${id}/get?platform=${json({ os: 'linux', architecture: 'arm64' })}`]: [200, ociArchive(arm64, { compression: 'gzip' })],
      [`/images/${id}/get?platform=${json({ os: 'linux', architecture: 'amd64' })}`]: [200, ociArchive(amd64, { compression: 'gzip' })],
    };
    const own = await auditOn(routes);
    expect(own.stderr).toBe('');
    expect((JSON.parse(own.stdout) as JsonReport).image.platform).toBe('linux/arm64');
    expect((JSON.parse(own.stdout) as JsonReport).layers[0]!.size).toBe(200);
    const asked = JSON.parse((await auditOn(routes, '--platform', 'linux/amd64')).stdout) as JsonReport;
    expect(asked.image.platform).toBe('linux/amd64');
    expect(asked.layers[0]!.size).toBe(100);
  });

  it('1.48+: a platform the index lists but the engine has not stored says so, and how to get it', async () => {
    const result = await auditOn({ '/images/some/image:1/json?manifests=1': [200, inspect148] }, '--platform', 'linux/s390x');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'image-hygiene: some/image:1: no image for platform linux/s390x in the engine (pull it with --platform linux/s390x); it has linux/amd64, linux/arm64; listed but not stored: linux/s390x\n',
    );
  });

  it('1.48+: no --platform, several platforms and none the engine\'s: refused, listing them', async () => {
    const result = await auditOn({ '/images/some/image:1/json?manifests=1': [200, inspect148], '/version': [200, { Os: 'linux', Arch: 'riscv64' }] });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "image-hygiene: some/image:1: no image for the engine's platform linux/riscv64; it has linux/amd64, linux/arm64; listed but not stored: linux/s390x (choose one with --platform)\n",
    );
  });

  it('before 1.48 (Docker 25–27, containerd store): the whole index is exported and the platform chosen from it', async () => {
    const { Manifests: _none, ...inspect } = inspect148;
    const routes: Record<string, [number, unknown]> = {
      '/images/some/image:1/json?manifests=1': [200, inspect],
      [`/images/${id}/get`]: [200, ociArchive([amd64, arm64], { compression: 'gzip' })],
    };
    const arm = JSON.parse((await auditOn(routes, '--platform', 'linux/arm64')).stdout) as JsonReport;
    expect(arm.image.platform).toBe('linux/arm64');
    expect(arm.layers[0]!.size).toBe(200);
    // No --platform: inspect's own platform, which the engine chose (its own when stored).
    expect((JSON.parse((await auditOn(routes)).stdout) as JsonReport).image.platform).toBe('linux/amd64');
    const missing = await auditOn(routes, '--platform', 'linux/ppc64le');
    expect(missing.stderr).toBe('image-hygiene: some/image:1: no image for platform linux/ppc64le; available: linux/amd64, linux/arm64 (choose one with --platform)\n');
  });
});
