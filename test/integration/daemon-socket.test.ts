import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE } from '../support/run-cli.js';

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
