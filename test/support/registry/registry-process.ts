import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { freePort } from './ports.js';

export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'htpasswd'; users: Record<string, string> }
  | { kind: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RegistryOptions {
  auth: RegistryAuth;
  /** Serve HTTPS with this certificate. */
  tls?: { certPath: string; keyPath: string; caPem: string };
}

/**
 * Debian's docker-registry (distribution 2.8) on 127.0.0.1 at a free port, with its own storage and config
 * in `dir`: started for a test file, stopped by it. Its log goes to `dir/registry.log`.
 */
export class TestRegistry {
  private child: ChildProcess | undefined;
  port = 0;
  log = '';

  constructor(
    private readonly dir: string,
    private readonly options: RegistryOptions,
  ) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  private async config(): Promise<string> {
    const lines = [
      'version: 0.1',
      'log: { level: warn, accesslog: { disabled: true } }',
      `storage: { filesystem: { rootdirectory: ${join(this.dir, 'storage')} }, delete: { enabled: true } }`,
      `http:`,
      `  addr: 127.0.0.1:${this.port}`,
    ];
    if (this.options.tls) lines.push(`  tls: { certificate: ${this.options.tls.certPath}, key: ${this.options.tls.keyPath} }`);
    const auth = this.options.auth;
    if (auth.kind === 'htpasswd') {
      const file = join(this.dir, 'htpasswd');
      await writeFile(file, Object.entries(auth.users).map(([user, password]) => `${user}:${bcrypt.hashSync(password, 5)}`).join('\n') + '\n');
      lines.push(`auth: { htpasswd: { realm: image-hygiene-test, path: ${file} } }`);
    } else if (auth.kind === 'token') {
      lines.push(`auth: { token: { realm: "${auth.realm}", service: ${auth.service}, issuer: ${auth.issuer}, rootcertbundle: ${auth.rootCertBundle} } }`);
    }
    return lines.join('\n') + '\n';
  }

  async start(): Promise<void> {
    await mkdir(join(this.dir, 'storage'), { recursive: true });
    this.port = await freePort();
    const configPath = join(this.dir, 'config.yml');
    await writeFile(configPath, await this.config());
    const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await this.waitUntilUp();
  }

  private probe(): Promise<boolean> {
    const secure = this.options.tls !== undefined;
    return new Promise((resolve) => {
      const req = (secure ? httpsRequest : httpRequest)(
        { host: '127.0.0.1', port: this.port, path: '/v2/', method: 'GET', ...(secure ? { ca: this.options.tls!.caPem } : {}) },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200 || res.statusCode === 401);
        },
      );
      req.on('error', () => resolve(false));
      req.end();
    });
  }

  private async waitUntilUp(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (this.child?.exitCode !== null) throw new Error(`docker-registry exited (${String(this.child?.exitCode)}): ${this.log}`);
      if (await this.probe()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`docker-registry did not answer on ${this.host}: ${this.log}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  }
}
